import type { Observable } from 'rxjs';
import type { ActorRefFrom } from 'xstate';
import type { jobMachine } from '../../machines/job.js';
import type { JobReport } from '../report/job-report.js';

/** The job machine's actor: typed events, snapshots and emitted events (`invocation.finished`). */
export type JobActor = ActorRefFrom<typeof jobMachine>;

/** A running (or startable) replication job: replication, then pruning of both sides, under a watchdog. */
export interface ReplicationJob {
  /** The job's name. */
  readonly name: string;
  /** Starts the job's actor: it waits for its interval or a wakeup. Idempotent. */
  start(): void;
  /** Stops the job, cancelling whatever runs (endpoint calls are aborted). */
  stop(): void;
  /** Starts an invocation now; while one runs, one more is remembered and starts after it. */
  wakeup(): void;
  /** Cancels the current invocation; the job goes back to waiting. */
  reset(): void;
  /** Starts the job if needed, runs one invocation end to end and resolves with its report. */
  runOnce(): Promise<JobReport>;
  /** Resolves with the report of the next invocation to finish. */
  nextInvocation(): Promise<JobReport>;
  /** The current report, built from the actor's snapshot. */
  report(): JobReport;
  /** Reports as the job's state changes (JSON-serialisable: guids are decimal strings). */
  readonly report$: Observable<JobReport>;
  /**
   * The underlying XState actor of the job machine. It emits `invocation.finished` when an
   * invocation ends (`job.actor.on('invocation.finished', ({ invocation }) => …)`).
   */
  readonly actor: JobActor;
}
