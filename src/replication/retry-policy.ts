import type { RetryPolicy } from '../runner/job-options.js';

/** Default retry policy: five attempts, 10 s doubling up to 5 min. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 10_000,
  maxDelayMs: 5 * 60_000,
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
  return policy;
}

/** The wait before retry number `attempt` (1 = the first retry): doubling, capped. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.initialDelayMs * 2 ** exp, policy.maxDelayMs);
}
