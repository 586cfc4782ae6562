import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobReport } from '../../src/report/job-report.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { drive, makeWorld, useEngineFakeTimers } from '../machines/harness.js';

describe('report$', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  function watched(onSnapshot: () => void = () => undefined) {
    // One filesystem: while it waits for its retry, nothing else in the job changes.
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', filesystem: 'tank/fs0', effect: { type: 'error', errorClass: 'transient' } });
    const job = createReplicationJob({
      name: 'watched',
      sender: world.src.sender(),
      receiver: world.dst.receiver({ rootFs: 'backup' }),
      retry: { maxAttempts: 3, initialDelayMs: 2_000, maxDelayMs: 2_000 },
      inspect: (event) => {
        if (event.type === '@xstate.snapshot') onSnapshot();
      },
    });
    return { world, job };
  }

  it('sees a filesystem in retryWait, with its transient error, though the job machine itself does not change then', async () => {
    let snapshots = 0;
    const { job } = watched(() => snapshots++);
    const states: string[] = [];
    let reports = 0;
    const sub = job.report$.subscribe((r: JobReport) => {
      reports++;
      for (const fs of r.current?.replication?.filesystems ?? []) {
        const line = `${fs.filesystem}: ${fs.state}${fs.problem ? ` (${fs.problem.errorClass})` : ''}`;
        if (states.at(-1) !== line) states.push(line);
      }
    });
    const report = await drive(job.runOnce(), 60_000);
    sub.unsubscribe();
    job.stop();
    expect(report.last?.ok).toBe(true);
    expect(states).toContain('tank/fs0: retryWait (transient)');
    // Coalesced: far fewer reports than machine snapshots (the user's inspect sees them all, too).
    expect(snapshots).toBeGreaterThan(0);
    expect(reports).toBeLessThan(snapshots / 2);
  });

  it('replays the latest report to a late subscriber at once', async () => {
    const { job } = watched();
    const first: JobReport[] = [];
    const sub = job.report$.subscribe((r) => first.push(r));
    await drive(job.runOnce(), 60_000);
    const late: JobReport[] = [];
    const lateSub = job.report$.subscribe((r) => late.push(r));
    expect(late).toHaveLength(1);
    expect(late[0]?.last?.number).toBe(1);
    lateSub.unsubscribe();
    sub.unsubscribe();
    job.stop();
  });
});
