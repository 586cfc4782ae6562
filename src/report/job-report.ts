/**
 * Reports: JSON-safe views of the machines' snapshots, shared by the CLI, the control socket,
 * metrics and tests. Guids and txgs are decimal strings; times are ISO strings.
 */

/** An error as reports show it. */
export interface ProblemReport {
  message: string;
  /** EndpointError kind, or `watchdog`, `cancelled`, `conflict`, `internal`. */
  kind: string;
  errorClass: 'transient' | 'permanent';
  /** When it happened. */
  at: string;
  /** For a cancellation: the last error of what was being retried when it came. */
  lastError?: ProblemReport;
}

/** A version as reports show it. */
export interface VersionReport {
  type: 'snapshot' | 'bookmark';
  name: string;
  guid: string;
  createTxg: string;
  creation: string;
}

/** One replication step of a filesystem: a transfer from `from` (absent for full) to `to`, or a cursor update. */
export interface StepReport {
  kind: 'transfer' | 'cursor';
  from?: VersionReport;
  to: VersionReport;
  /** Bytes transferred so far (the whole stream once done). */
  bytes: number;
  /** The size estimate, when the sender could give one. */
  expectedBytes?: number;
  resumed: boolean;
}

/**
 * What a filesystem waits for: a free slot, its retry time, a new plan of the run (its plan went
 * stale), or the first replication of an ancestor (the queue runs first replications parent first).
 */
export type BlockedOnReport =
  | { kind: 'replication-slot' }
  | { kind: 'retry'; at: string }
  | { kind: 'new-plan' }
  | { kind: 'parent-initial-replication'; filesystem: string };

/** Where a filesystem is in a replication run (`skipped`: nothing to do). */
export type FilesystemState = 'ready' | 'active' | 'retryWait' | 'completed' | 'permanentError' | 'skipped';

/** The replication machine's top-level state. */
export type ReplicationState = 'planning' | 'planningError' | 'working' | 'workingWait' | 'completed' | 'permanentError';

/** A pruner machine's top-level state (zrepl's names). */
export type PrunerState = 'plan' | 'planWait' | 'exec' | 'execWait' | 'done' | 'errPerm';

/** What the job does (`stopped` once its actor has stopped). */
export type JobState = 'idle' | 'replicating' | 'pruningSender' | 'pruningReceiver' | 'stopped';

/** The job's watchdog. */
export type WatchdogState = 'disarmed' | 'armed' | 'expired';

/** The state of one filesystem in a replication. */
export interface FilesystemReport {
  filesystem: string;
  state: FilesystemState;
  /** Why the filesystem is not progressing, or what failed. */
  problem?: ProblemReport;
  /** What the filesystem waits for before it can go on (describeBlockedOn words it). */
  blockedOn?: BlockedOnReport;
  attempts: number;
  retryAt?: string;
  completedSteps: StepReport[];
  activeStep?: StepReport;
  pendingSteps: StepReport[];
  /** Sum over steps. */
  bytes: number;
  /** Sum of the known estimates; absent when no step has one. */
  expectedBytes?: number;
}

/** A replication run, as the replication machine's state shows it. */
export interface ReplicationReport {
  state: ReplicationState;
  problem?: ProblemReport;
  /** In `planningError` and `workingWait`: when the machine will try again. */
  sleepUntil?: string;
  startedAt?: string;
  finishedAt?: string;
  filesystems: FilesystemReport[];
}

/** What a pruner decided and did for one filesystem. */
export interface PruneFilesystemReport {
  filesystem: string;
  /** Snapshots to destroy, oldest first. */
  destroy: string[];
  destroyed: string[];
  /** Snapshots the pruner refused to destroy, with the reason (held, incremental base). */
  protected: { name: string; reason: string }[];
  problem?: ProblemReport;
}

/** A pruner run on one side. */
export interface PrunerReport {
  side: 'sender' | 'receiver';
  state: PrunerState;
  problem?: ProblemReport;
  sleepUntil?: string;
  filesystems: PruneFilesystemReport[];
}

/** One invocation of a job: replication then pruning. */
export interface InvocationReport {
  number: number;
  startedAt: string;
  finishedAt?: string;
  replication?: ReplicationReport;
  pruneSender?: PrunerReport;
  pruneReceiver?: PrunerReport;
  /** Set when the watchdog cancelled a part of it. */
  watchdog?: { cancelled: 'replication' | 'pruneSender' | 'pruneReceiver'; at: string; message: string }[];
  /** Set when the invocation was reset. */
  reset?: boolean;
  /** True when every part completed without a problem. */
  ok: boolean;
}

/** A job, as reports show it. */
export interface JobReport {
  job: string;
  state: JobState;
  watchdog: WatchdogState;
  /** When the next invocation starts on its own (interval jobs). */
  sleepUntil?: string;
  /** When the job last made progress. */
  lastProgressAt?: string;
  /** A wakeup arrived while busy and will start the next invocation. */
  wakeupPending: boolean;
  /** The invocation running now, if any. */
  current?: InvocationReport;
  /** The last finished invocation. */
  last?: InvocationReport;
  problem?: ProblemReport;
}
