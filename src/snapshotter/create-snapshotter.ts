import { createActor, type Actor } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { JobClock, ReplicationJobOptions } from '../runner/job-options.js';
import { snapshotterMachine, type SnapshotterMachine } from '../../machines/snapshotter.js';
import { snapshotterActors } from './snapshotter-actors.js';

/** Options of {@link createSnapshotter}. */
export interface SnapshotterOptions {
  /** The endpoint whose filesystems get the snapshots (the job's sender). */
  sender: Endpoint;
  prefix: string;
  intervalMs: number;
  /** Retry delay after a failure, measured from the failed attempt's start (default: the interval). */
  errorRetryMs?: number;
  /** Passed to `createActor`; its `now()` is the machine's time. */
  clock?: JobClock;
  inspect?: ReplicationJobOptions['inspect'];
  /** The actor's system id, e.g. `snapshotter:<job>` (shows in the inspector). */
  id?: string;
}

/** Creates (does not start) a periodic snapshotter actor for a job's sender. */
export function createSnapshotter(options: SnapshotterOptions): Actor<SnapshotterMachine> {
  const { clock } = options;
  const now = clock ? () => clock.now() : () => Date.now();
  const machine = snapshotterMachine.provide({ actors: snapshotterActors(options.sender, now) });
  return createActor(machine, {
    input: {
      prefix: options.prefix,
      intervalMs: options.intervalMs,
      ...(options.errorRetryMs !== undefined ? { errorRetryMs: options.errorRetryMs } : {}),
      now,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.id ? { id: options.id } : {}),
  });
}
