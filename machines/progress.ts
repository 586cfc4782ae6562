/**
 * Progress, as every machine records it: the `madeProgress` action counts it in the machine's own
 * context and tells the job's watchdog, which the job registers under this system id. A machine
 * running without a job (in a test) only counts.
 */
export const PROGRESS_SINK_ID = 'xrepl.progress';

/** The event that re-arms the watchdog. */
export interface ProgressMadeEvent {
  type: 'progress.made';
}

/** How much progress a machine has recorded, and when last. */
export interface ProgressRecord {
  count: number;
  /** Epoch ms of the last record, or undefined before the first. */
  at: number | undefined;
}

/** The record of a machine that has made no progress yet. */
export const NO_PROGRESS: ProgressRecord = Object.freeze({ count: 0, at: undefined });

/** The record after one more step of progress at `now`. */
export function advanceProgress(record: ProgressRecord, now: number): ProgressRecord {
  return { count: record.count + 1, at: now };
}

/**
 * States that are entered because something failed. A transition into one of these never records
 * progress; a transition into any other state always does (checked by a static test over every
 * machine).
 */
export const ERROR_STATE_NAMES: ReadonlySet<string> = new Set([
  'planningError',
  'workingWait',
  'permanentError',
  'retryWait',
  'planWait',
  'execWait',
  'errPerm',
  'errorWait',
  'expired',
]);
