import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import {
  DEFAULT_RETRY_POLICY,
  finalProblem,
  hasTriesLeft,
  MAX_TIMER_MS,
  mayRetry,
  resolveRetryPolicy,
  retryDelay,
  retryScheduleMs,
} from '../../src/replication/retry-policy.js';
import { DEFAULT_WATCHDOG_TIMEOUT_MS } from '../../src/runner/job-options.js';

const transient = new EndpointError('busy', { kind: 'dataset-busy', errorClass: 'transient' });
const permanent = new EndpointError('denied', { kind: 'permission-denied', errorClass: 'permanent' });
const policy = { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 3_000 };

describe('retry policy', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 3_000],
    [40, 3_000],
  ])('waits before retry %i for %i ms (doubling, capped)', (attempt, ms) => {
    expect(retryDelay(policy, attempt)).toBe(ms);
  });

  it.each([
    [transient, 0, true],
    [transient, 1, true],
    [transient, 2, false],
    [permanent, 0, false],
    [new Error('a bug'), 0, false],
  ])('retries %s after %i failures: %s', (error, failures, expected) => {
    expect(mayRetry(policy, error, failures)).toBe(expected);
  });

  it('counts re-plans against their own budget', () => {
    expect([0, 1, 2].map((replans) => hasTriesLeft(policy, replans))).toEqual([true, true, false]);
  });

  it('says how often a transient error was tried when it gives up, and leaves a permanent one as it is', () => {
    expect(finalProblem(transient, 5, 3)).toMatchObject({ errorClass: 'permanent', message: 'gave up after 3 attempts: busy', kind: 'dataset-busy' });
    expect(finalProblem(permanent, 5, 1)).toMatchObject({ errorClass: 'permanent', message: 'denied' });
  });

  it('fits the default retry schedule inside the default watchdog', () => {
    expect(retryScheduleMs(DEFAULT_RETRY_POLICY)).toBe(2_000 + 4_000 + 8_000 + 16_000);
    expect(retryScheduleMs(DEFAULT_RETRY_POLICY)).toBeLessThan(DEFAULT_WATCHDOG_TIMEOUT_MS);
  });

  it('refuses a delay that no timer can hold', () => {
    expect(() => resolveRetryPolicy({ maxDelayMs: MAX_TIMER_MS + 1 })).toThrow(/at most 2147483647 ms/);
    expect(resolveRetryPolicy({ maxDelayMs: MAX_TIMER_MS }).maxDelayMs).toBe(MAX_TIMER_MS);
  });
});
