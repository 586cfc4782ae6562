import { DEFAULT_RETRY_POLICY, MAX_TIMER_MS, retryDelay, retryScheduleMs } from '../replication/retry-policy.js';
import { DEFAULT_WATCHDOG_TIMEOUT_MS } from '../runner/job-options.js';

/** A job entry's timers as the schema returns them (durations in ms). */
export interface JobTimersEntry {
  interval?: number | undefined;
  watchdog_timeout?: number | undefined;
  snapshotting: { type: 'periodic'; interval: number } | { type: 'cron' | 'manual' };
  replication?: { progress_interval?: number | undefined; retry?: { max_attempts?: number | undefined; initial_delay?: number | undefined; max_delay?: number | undefined } | undefined } | undefined;
}

/**
 * The problems of a job's timers: a duration no timer can hold (beyond 2^31-1 ms, about 24.8 days,
 * a timer fires at once: a 30-day watchdog would cancel after 1 ms, a 30-day interval replicate in
 * a busy loop), and a retry schedule that does not fit in the watchdog timeout. Retries are no
 * progress, so the watchdog cancels a retry loop after one timeout: retries planned beyond it
 * could never run (docs/engine.md).
 */
export function jobTimerProblems(job: JobTimersEntry, at: (...keys: PropertyKey[]) => string, add: (path: string, message: string) => void): void {
  const timers: [number | undefined, string][] = [
    [job.interval, at('interval')],
    [job.watchdog_timeout, at('watchdog_timeout')],
    [job.snapshotting.type === 'periodic' ? job.snapshotting.interval : undefined, at('snapshotting', 'interval')],
    [job.replication?.progress_interval, at('replication', 'progress_interval')],
    [job.replication?.retry?.initial_delay, at('replication', 'retry', 'initial_delay')],
    [job.replication?.retry?.max_delay, at('replication', 'retry', 'max_delay')],
  ];
  let tooLong = false;
  for (const [ms, path] of timers) {
    if (ms !== undefined && ms > MAX_TIMER_MS) {
      tooLong = true;
      add(path, `${ms} ms is longer than a timer can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`);
    }
  }
  if (tooLong) return;
  const retry = job.replication?.retry;
  const maxAttempts = retry?.max_attempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
  const initialDelayMs = retry?.initial_delay ?? DEFAULT_RETRY_POLICY.initialDelayMs;
  const policy = { maxAttempts, initialDelayMs, maxDelayMs: Math.max(initialDelayMs, retry?.max_delay ?? DEFAULT_RETRY_POLICY.maxDelayMs) };
  const watchdog = job.watchdog_timeout ?? DEFAULT_WATCHDOG_TIMEOUT_MS;
  const schedule = retryScheduleMs(policy);
  if (schedule >= watchdog) {
    const waits = Array.from({ length: Math.min(maxAttempts - 1, 6) }, (_, i) => retryDelay(policy, i + 1));
    add(
      at('replication', 'retry'),
      `${maxAttempts} attempts wait ${schedule} ms in all (${waits.join(' + ')}${maxAttempts - 1 > waits.length ? ' + ...' : ''} ms), ` +
        `which does not fit in watchdog_timeout (${watchdog} ms): retries are no progress, so the watchdog would cancel before the last one; ` +
        'lower max_attempts or the delays, or raise watchdog_timeout',
    );
  }
}
