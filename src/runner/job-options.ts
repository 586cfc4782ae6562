import type { InspectionEvent, Observer } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { KeepRuleConfig } from '../pruning/keep-rule-schema.js';

/** What to do with a filesystem that the receiver does not have yet (zrepl's `initial_replication`). */
export type InitialReplicationPolicy = 'most_recent' | 'all' | 'fail';

/** Default watchdog timeout: one minute without progress. */
export const DEFAULT_WATCHDOG_TIMEOUT_MS = 60_000;

/** Bounded retries with a growing delay. */
export interface RetryPolicy {
  /**
   * Tries before an error that could be transient counts as permanent (default 5): of a
   * filesystem's transfer, of planning since its last plan, of re-plans, of a pruner's calls.
   */
  maxAttempts: number;
  /** Delay before the first retry, in ms (default 2 s); doubles each attempt. */
  initialDelayMs: number;
  /** Upper bound of the delay, in ms (default 16 s; at most 2^31-1, what a timer holds). */
  maxDelayMs: number;
}

/** A clock as XState's `createActor` takes it, plus `now()` so the machines read the same time. */
export interface JobClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now(): number;
}

/** Options of {@link createReplicationJob}. */
export interface ReplicationJobOptions {
  /** The job's name: used in cursor names, reports and metrics. Letters, digits, `_` and `-`. */
  name: string;
  sender: Endpoint;
  receiver: Endpoint;
  /** Keep rules for the sender, in zrepl's vocabulary (`[{ type: 'not_replicated' }, { type: 'last_n', count: 10 }]`). Default: keep everything. */
  keepSender?: readonly KeepRuleConfig[];
  /** Keep rules for the receiver. Default: keep everything. */
  keepReceiver?: readonly KeepRuleConfig[];
  /** Time between invocations in ms; omit for a job that runs only on wakeup. */
  intervalMs?: number;
  /** Filesystems replicated at once (default 1). */
  concurrency?: number;
  /** Size estimates requested at once during planning (default 4). */
  estimateConcurrency?: number;
  initialReplication?: InitialReplicationPolicy;
  /**
   * A replication or pruner that makes no progress for this long is cancelled (default 60 000 ms;
   * at most 2^31-1). Retries are no progress, so a retry schedule longer than this is cut short.
   */
  watchdogTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Passed to XState's `createActor`: sees every actor, event and snapshot. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Passed to XState's `createActor` (e.g. a SimulatedClock); `now()` is read for retry times. */
  clock?: JobClock;
  /** Minimum time between byte-count progress reports of a transfer, in ms (default 1000). */
  progressIntervalMs?: number;
}
