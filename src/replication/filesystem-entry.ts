import type { FilesystemVersion } from '../domain/version.js';
import type { Problem } from './problem.js';

/** One step of a filesystem's plan: a transfer then a cursor update, or only a cursor update. */
export interface PlannedStep {
  kind: 'transfer' | 'cursor';
  /** Incremental base; absent for a full send. */
  from?: FilesystemVersion | undefined;
  to: FilesystemVersion;
  expectedBytes?: number | undefined;
  /** Bytes moved so far by this step (the whole stream once done). */
  bytes: number;
  /** The receiver's resume token to continue an interrupted transfer (cleared once received). */
  resumeToken?: string | undefined;
  /** The transfer continued an interrupted stream from a resume token (kept once received). */
  resumed?: boolean | undefined;
  /**
   * The step's last transfer failed, so the receiver may hold a partial stream that planning did
   * not see; the next transfer asks the receiver for its resume token. Cleared once received.
   */
  interrupted?: boolean | undefined;
  /**
   * The receiver holds a partial receive that leads elsewhere than this step (its token names
   * another snapshot): the transfer clears it (`zfs receive -A`) before it sends afresh.
   */
  discardPartial?: boolean | undefined;
  /** Set once the transfer has been received (so a retry only redoes the cursor update). */
  received: boolean;
  /** Set once the cursor points at `to`. */
  done: boolean;
}

/** Where a filesystem is in a replication run. */
export type FilesystemStatus = 'ready' | 'active' | 'retryWait' | 'completed' | 'permanentError' | 'skipped';

/**
 * A filesystem's replication state, kept as plain data in the replication machine's context. Only
 * filesystems being worked on have a running filesystem machine (XState's spawn cost grows with
 * the number of children, see DESIGN.md).
 */
export interface FilesystemEntry {
  path: string;
  status: FilesystemStatus;
  steps: PlannedStep[];
  attempts: number;
  /** Epoch ms; set in retryWait. */
  retryAt?: number | undefined;
  problem?: Problem | undefined;
  /** The failure needs a fresh plan (a snapshot vanished, the receiver moved on). */
  needsReplan: boolean;
  /** The date of the next step's snapshot, for queue ordering (epoch ms). */
  nextStepDate: number;
  /** The sender's replication cursor as last known (listed, or moved by a step). */
  cursor?: FilesystemVersion | undefined;
}

/** The date that orders a filesystem in the queue: its next pending step's snapshot creation. */
export function nextStepDate(steps: readonly PlannedStep[]): number {
  const next = steps.find((s) => !s.done);
  return next ? next.to.creation.getTime() : Number.POSITIVE_INFINITY;
}

/** How one attempt at a filesystem's steps ended (the filesystem machine's output), kept as data. */
export interface AttemptResult {
  path: string;
  status: 'completed' | 'retryWait' | 'permanentError';
  steps: PlannedStep[];
  attempts: number;
  retryAt?: number | undefined;
  problem?: Problem | undefined;
  /** The failure means the plan is stale (a snapshot vanished, the receiver moved on). */
  needsReplan: boolean;
  /** Where the cursor now is. */
  cursor?: FilesystemVersion | undefined;
}
