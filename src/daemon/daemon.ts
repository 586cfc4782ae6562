import type { Actor, InspectionEvent, Observer } from 'xstate';
import type { SnapshotterMachine } from '../../machines/snapshotter.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import type { DaemonJobReport } from '../control/control-protocol.js';
import type { InvocationReport } from '../report/job-report.js';
import type { JobClock } from '../runner/job-options.js';
import { createLiveFeed } from '../live-view/live-feed.js';
import { startLiveViewServer } from '../live-view/live-view-server.js';
import { createSnapshotter } from '../snapshotter/create-snapshotter.js';
import { cronSchedule } from '../snapshotter/cron-schedule.js';
import { snapshotHooks } from '../hooks/snapshot-hooks-from-config.js';
import { snapshotterReport } from '../snapshotter/snapshotter-report.js';
import type { LiveFeed } from '../live-view/live-feed.js';
import type { LiveViewServer } from '../live-view/live-view-server.js';
import type { DaemonJobSpec } from './daemon-job.js';
import { wakeupAndWait } from './wait-for-woken-invocation.js';

/** Something that wants to know what the daemon does (a pino logger fits). */
export interface DaemonLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options of {@link startDaemon}. */
export interface DaemonOptions {
  jobs: readonly DaemonJobSpec[];
  /** The control socket's path; omit to run without one (embedding, tests). */
  socketPath?: string;
  /** Passed to the snapshotters (the jobs got theirs when they were created). */
  clock?: JobClock;
  /** Passed to the snapshotters' `createActor`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  logger?: DaemonLogger;
  /** Serve the live view on this address (`global.live_view`); off when absent. */
  liveView?: { host: string; port: number };
}

/** A running daemon. */
export interface Daemon {
  /** The reports of all jobs, or of the named one (unknown names are an error naming the jobs). */
  status(job?: string): DaemonJobReport[];
  /** Wakes a job's replication; with `wait`, resolves with the woken invocation's report. */
  wakeup(job: string, wait: boolean): Promise<InvocationReport | undefined>;
  /** Cancels a job's current invocation. */
  reset(job: string): void;
  /** The control socket's path, when it serves one. */
  readonly socketPath: string | undefined;
  /** The live view's address (`http://host:port/`), when it serves one. */
  readonly liveViewUrl: string | undefined;
  /** Every job's live states and reports (made on first use; the live view and `watch` share it). */
  liveFeed(): LiveFeed;
  /** Stops the snapshotters and jobs, closes the socket and removes its file. Idempotent. */
  stop(): Promise<void>;
}

interface RunningJob {
  spec: DaemonJobSpec;
  snapshotter?: Actor<SnapshotterMachine>;
}

/**
 * Starts every job (waiting for its interval or a wakeup) and, for periodic snapshotting, a
 * snapshotter that wakes the job's replication after each snapshot; then serves the control socket.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const names = new Set<string>();
  for (const { job } of options.jobs) {
    if (names.has(job.name)) throw new Error(`daemon: two jobs are named "${job.name}"`);
    names.add(job.name);
  }
  const running: RunningJob[] = options.jobs.map((spec) => ({ spec }));
  const find = (name: string): RunningJob => {
    const found = running.find((r) => r.spec.job.name === name);
    if (!found) throw new Error(`no job named "${name}"; the daemon runs ${[...names].map((n) => `"${n}"`).join(', ')}`);
    return found;
  };

  let feed: LiveFeed | undefined;
  let liveView: LiveViewServer | undefined;
  const daemon: Daemon = {
    socketPath: options.socketPath,
    get liveViewUrl() {
      return liveView?.url;
    },
    liveFeed() {
      feed ??= createLiveFeed(running.map((r) => ({ job: r.spec.job, ...(r.snapshotter ? { snapshotter: r.snapshotter } : {}) })));
      return feed;
    },
    status(job) {
      const selected = job === undefined ? running : [find(job)];
      return selected.map(({ spec, snapshotter }) => ({
        ...spec.job.report(),
        ...(snapshotter ? { snapshotter: snapshotterReport(snapshotter.getSnapshot()) } : {}),
      }));
    },
    async wakeup(job, wait) {
      const { spec } = find(job);
      options.logger?.info({ job }, 'wakeup requested');
      if (wait) return wakeupAndWait(spec.job, stopping.signal);
      spec.job.wakeup();
      return undefined;
    },
    reset(job) {
      const { spec } = find(job);
      options.logger?.info({ job }, 'reset requested');
      spec.job.reset();
    },
    stop: () => (stopped ??= stopAll()),
  };

  const stopping = new AbortController();
  let stopped: Promise<void> | undefined;
  let control: ControlServer | undefined;

  async function stopAll(): Promise<void> {
    stopping.abort(new Error('the daemon is stopping'));
    for (const r of running) {
      r.snapshotter?.stop();
      r.spec.job.stop();
    }
    await control?.close();
    await liveView?.close();
    feed?.close();
  }

  for (const r of running) {
    r.spec.job.start();
    const { snapshotting } = r.spec;
    if (snapshotting.type === 'manual') continue;
    const snapshotter = createSnapshotter({
      sender: r.spec.sender,
      prefix: snapshotting.prefix,
      // A cron job has no interval: 1 ms only satisfies the type, nextAt decides every time.
      intervalMs: snapshotting.type === 'periodic' ? snapshotting.intervalMs : 1,
      ...(snapshotting.type === 'cron' ? { nextAt: cronSchedule(snapshotting.cron) } : {}),
      naming: snapshotting.naming,
      hooks: snapshotHooks(snapshotting.hooks ?? []),
      job: r.spec.job.name,
      id: `snapshotter:${r.spec.job.name}`,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    snapshotter.on('snapshots.taken', (event) => {
      options.logger?.info({ job: r.spec.job.name, snapshot: event.snapshot, filesystems: event.filesystems.length }, 'snapshots taken; waking replication');
      r.spec.job.wakeup();
    });
    // Each failed hook is logged once, when its snapshot's hooks are all done.
    let loggedFailures: unknown;
    snapshotter.subscribe((snapshot) => {
      const failures = snapshot.context.hookFailures;
      if (failures === undefined || failures === loggedFailures || !(snapshot.matches('waiting') || snapshot.matches('errorWait'))) return;
      loggedFailures = failures;
      for (const failure of failures) options.logger?.warn({ job: r.spec.job.name, hook: failure }, failure.message);
    });
    r.snapshotter = snapshotter;
    snapshotter.start();
  }

  try {
    if (options.liveView !== undefined) liveView = await startLiveViewServer({ ...options.liveView, feed: daemon.liveFeed() });
    if (options.socketPath !== undefined) control = await startControlServer(options.socketPath, daemon);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}
