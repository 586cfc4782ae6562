import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { JobReport } from '../../src/report/job-report.js';
import { drive, makeWorld, useEngineFakeTimers } from './harness.js';

const WATCHDOG_MS = 10_000;
const TICK_MS = 100;

/** Advances a simulated clock in ticks, letting promise actors settle between ticks, until `done` settles. */
async function driveClock<T>(clock: SimulatedClock, done: Promise<T>, limitMs: number): Promise<T> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let t = 0; t < limitMs && !settled; t += TICK_MS) {
    clock.increment(TICK_MS);
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
  if (!settled) throw new Error(`did not settle within ${limitMs} ms of simulated time`);
  return done;
}

describe('a retry loop under the watchdog', () => {
  it('is cancelled within one watchdog period plus a tick, and the report keeps the last error it retried', async () => {
    const clock = new SimulatedClock();
    const world = makeWorld(1, 1);
    // Every listing of the sender fails in a way that may pass: planning retries each second, far
    // longer than the watchdog allows. Each retry is no progress, so the watchdog must end it.
    world.src.faults.add({ call: 'listFilesystems', times: Infinity, effect: { type: 'error', errorClass: 'transient' } });
    const job = createReplicationJob({
      name: 'j',
      sender: world.src.sender(),
      receiver: world.dst.receiver({ rootFs: 'backup' }),
      watchdogTimeoutMs: WATCHDOG_MS,
      retry: { maxAttempts: 1_000, initialDelayMs: 1_000, maxDelayMs: 1_000 },
      clock,
    });
    const startedAt = clock.now();
    const report: JobReport = await driveClock(clock, job.runOnce(), 10 * 60_000);
    job.stop();
    const inv = report.last;
    const cancel = inv?.watchdog?.[0];
    expect(cancel?.cancelled).toBe('replication');
    const cancelledAfter = Date.parse(cancel?.at ?? '') - startedAt;
    expect(cancelledAfter).toBeGreaterThanOrEqual(WATCHDOG_MS);
    expect(cancelledAfter).toBeLessThanOrEqual(WATCHDOG_MS + TICK_MS);
    expect(inv?.replication?.state).toBe('permanentError');
    expect(inv?.replication?.problem?.kind).toBe('cancelled');
    expect(inv?.replication?.problem?.message).toContain('watchdog');
    expect(inv?.replication?.problem?.message).toContain('injected transient fault in listFilesystems');
    expect(inv?.replication?.problem?.lastError?.kind).toBe('injected');
    // The job went on to prune after the cancel.
    expect(inv?.pruneSender).toBeDefined();
  });

  it('keeps the last error of a filesystem whose transfer was being retried when the watchdog cancelled', async () => {
    // Transfers stream through the memory pool's timers, so this one runs in vitest's fake time.
    useEngineFakeTimers();
    try {
      const world = makeWorld(1, 1);
      world.src.faults.add({ call: 'send', times: Infinity, effect: { type: 'error', errorClass: 'transient' } });
      const job = createReplicationJob({
        name: 'j',
        sender: world.src.sender(),
        receiver: world.dst.receiver({ rootFs: 'backup' }),
        watchdogTimeoutMs: WATCHDOG_MS,
        retry: { maxAttempts: 1_000, initialDelayMs: 1_000, maxDelayMs: 1_000 },
      });
      const startedAt = Date.now();
      const report = await drive(job.runOnce(), 10 * 60_000, TICK_MS);
      job.stop();
      const cancel = report.last?.watchdog?.[0];
      expect(cancel?.cancelled).toBe('replication');
      expect(Date.parse(cancel?.at ?? '') - startedAt).toBeLessThanOrEqual(WATCHDOG_MS + TICK_MS);
      const fs = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/fs0');
      expect(fs?.attempts).toBeGreaterThan(3);
      expect(report.last?.replication?.problem?.message).toContain('injected transient fault in send');
      expect(fs?.problem?.message).toContain('injected transient fault in send');
    } finally {
      vi.useRealTimers();
    }
  });
});
