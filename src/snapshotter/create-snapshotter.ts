import { createActor, type Actor } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { JobClock, ReplicationJobOptions } from '../runner/job-options.js';
import { snapshotterMachine, type SnapshotterMachine } from '../../machines/snapshotter.js';
import { snapshotterActors } from './snapshotter-actors.js';
import type { SnapshotNaming } from './timestamp-format.js';
import type { SnapshotHook } from '../hooks/snapshot-hooks.js';

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
  /** `type: cron`: the schedule's next time after a moment; replaces the interval and the sync-up. */
  nextAt?: ((afterMs: number) => number) | undefined;
  /** `timestamp_format` and `timestamp_location` of the names (default: dense, UTC). */
  naming?: SnapshotNaming | undefined;
  /** `snapshotting.hooks`, run around each snapshot. */
  hooks?: readonly SnapshotHook[] | undefined;
  /** The job's name, given to hooks as `XREPL_JOB`. */
  job?: string | undefined;
  /** The actor's system id, e.g. `snapshotter:<job>` (shows in the inspector). */
  id?: string;
}

/** Creates (does not start) a periodic snapshotter actor for a job's sender. */
export function createSnapshotter(options: SnapshotterOptions): Actor<SnapshotterMachine> {
  const { clock } = options;
  const now = clock ? () => clock.now() : () => Date.now();
  const machine = snapshotterMachine.provide({ actors: snapshotterActors(options.sender, now, { nextAt: options.nextAt, hooks: options.hooks, job: options.job }) });
  return createActor(machine, {
    input: {
      prefix: options.prefix,
      intervalMs: options.intervalMs,
      ...(options.errorRetryMs !== undefined ? { errorRetryMs: options.errorRetryMs } : {}),
      now,
      ...(options.nextAt !== undefined ? { nextAt: options.nextAt } : {}),
      ...(options.naming !== undefined ? { naming: options.naming } : {}),
      hooks: (options.hooks?.length ?? 0) > 0,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.id ? { id: options.id } : {}),
  });
}
