import { EndpointError } from '../domain/errors.js';
import type { RetryPolicy } from '../runner/job-options.js';
import { problemFrom, type Problem } from './problem.js';

/**
 * The one place that decides what is retried, how often and when, and what a give-up says. Every
 * machine asks here; none counts attempts its own way.
 *
 * Budgets, each `maxAttempts` tries in all:
 * - planning: listing failures since the last plan was made (a plan made resets it);
 * - re-plans: fresh plans a run makes after a stale-plan failure (a snapshot vanished), counted apart
 *   from planning failures, so a re-plan's transient listing failure is retried like any other;
 * - a filesystem's attempts, and a pruner's listing or destroy attempts.
 *
 * Retries are no progress (docs/engine.md): a retry loop that outlasts the watchdog is cancelled.
 * The whole retry schedule must therefore fit in the watchdog timeout, or the last retries could
 * never run; the defaults do (2 + 4 + 8 + 16 = 30 s against 60 s), and a config that does not is
 * refused (src/config/job-timers.ts).
 */

/** The longest delay a JavaScript timer holds (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Default retry policy: five attempts, 2 s doubling up to 16 s, 30 s of waiting in all. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 2_000,
  maxDelayMs: 16_000,
});

/** Fills a partial policy with the defaults and checks it. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...partial };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  }
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new RangeError(`retry delays must satisfy 0 <= initialDelayMs <= maxDelayMs`);
  }
  if (policy.maxDelayMs > MAX_TIMER_MS) {
    throw new RangeError(`retry.maxDelayMs must be at most ${MAX_TIMER_MS} ms (about 24.8 days, what a timer holds), got ${policy.maxDelayMs}`);
  }
  return policy;
}

/** The wait before retry number `attempt` (1 = the first retry): doubling, capped. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.initialDelayMs * 2 ** exp, policy.maxDelayMs);
}

/** The waits of all retries of one thing, in ms: what must pass without progress before the last try. */
export function retryScheduleMs(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
    total += retryDelay(policy, attempt);
    // Past any timer's reach already; the sum of thousands of capped delays need not be exact.
    if (total > MAX_TIMER_MS) return total;
  }
  return total;
}

/** Whether an error may pass if tried again (an EndpointError of class `transient`). */
export function isTransient(error: unknown): boolean {
  return error instanceof EndpointError && error.errorClass === 'transient';
}

/** Whether one more try fits the budget after `failures` failed ones (or `replans` re-plans). */
export function hasTriesLeft(policy: RetryPolicy, failures: number): boolean {
  return failures + 1 < policy.maxAttempts;
}

/** Whether a failure after `failures` earlier ones of the same thing is tried again. */
export function mayRetry(policy: RetryPolicy, error: unknown, failures: number): boolean {
  return isTransient(error) && hasTriesLeft(policy, failures);
}

/** The problem of an error whose retries ran out: permanent, and saying how often it was tried. */
export function gaveUp(problem: Problem, tries: number, what = 'attempts'): Problem {
  return { ...problem, errorClass: 'permanent', message: `gave up after ${tries} ${what}: ${problem.message}` };
}

/** The problem of a failure that ends an attempt: given up when it was transient, as it is otherwise. */
export function finalProblem(error: unknown, at: number, tries: number): Problem {
  const problem = problemFrom(error, at);
  return problem.errorClass === 'transient' ? gaveUp(problem, tries) : problem;
}
