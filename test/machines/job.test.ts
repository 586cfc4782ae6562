import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { drive, makeWorld, useEngineFakeTimers } from './harness.js';

function job(world: ReturnType<typeof makeWorld>, extra: Partial<Parameters<typeof createReplicationJob>[0]> = {}) {
  return createReplicationJob({
    name: 'j',
    sender: world.src.sender(),
    receiver: world.dst.receiver({ rootFs: 'backup' }),
    keepSender: [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }],
    watchdogTimeoutMs: 5_000,
    retry: { maxAttempts: 2, initialDelayMs: 1_000, maxDelayMs: 2_000 },
    ...extra,
  });
}

describe('job machine', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('cancels a stuck replication with the watchdog and still prunes the sender', async () => {
    const world = makeWorld(1, 3);
    // A first run sets the cursor; then replication hangs while the sender piles up snapshots.
    const j = job(world);
    await drive(j.runOnce(), 60_000);
    world.src.snapshot('tank/fs0', 's4');
    world.src.snapshot('tank/fs0', 's5');
    world.src.faults.add({ call: 'send', effect: { type: 'hang' } });
    const report = await drive(j.runOnce(), 60_000);
    j.stop();
    expect(report.last?.watchdog?.[0]?.cancelled).toBe('replication');
    expect(report.last?.replication?.state).toBe('permanentError');
    expect(report.last?.pruneSender?.state).toBe('done');
    expect(report.last?.ok).toBe(false);
    // The pruner ran: s1, s2 (replicated) went; s3 (cursor) and s4, s5 (not replicated) stay.
    expect(world.src.versions('tank/fs0').filter((v) => v.type === 'snapshot').map((v) => v.name)).toEqual(['s3', 's4', 's5']);
  });

  it('keeps one wakeup that arrives while busy and runs it after the current invocation', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', effect: { type: 'slow', bytesPerChunk: 10, delayMs: 100 } });
    const j = job(world);
    const first = j.runOnce();
    await vi.advanceTimersByTimeAsync(100);
    j.wakeup();
    j.wakeup();
    expect(j.report().wakeupPending).toBe(true);
    const firstReport = await drive(first, 600_000);
    expect(firstReport.last?.number).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(j.report().wakeupPending).toBe(false);
    expect(j.report().state).toBe('idle');
    expect(j.report().last?.number).toBe(2);
    j.stop();
  });

  it('runs on its interval', async () => {
    const world = makeWorld(1, 1);
    const j = job(world, { intervalMs: 60_000 });
    j.start();
    expect(j.report().sleepUntil).toBe(new Date(Date.now() + 60_000).toISOString());
    await vi.advanceTimersByTimeAsync(59_000);
    expect(j.report().last).toBeUndefined();
    const done = await drive(j.nextInvocation(), 10_000);
    expect(done.last?.ok).toBe(true);
    j.stop();
  });

  it('reset cancels the current invocation and the job waits again', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', effect: { type: 'hang' } });
    const j = job(world, { watchdogTimeoutMs: 600_000 });
    const run = j.runOnce();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(j.report().state).toBe('replicating');
    j.reset();
    const report = await drive(run, 1_000);
    expect(report.state).toBe('idle');
    expect(report.last?.reset).toBe(true);
    expect(report.last?.ok).toBe(false);
    j.stop();
  });

  it('reports JSON-safe data with guids as decimal strings', async () => {
    const world = makeWorld(1, 1);
    const j = job(world);
    const seen: string[] = [];
    const sub = j.report$.subscribe((r) => seen.push(r.state));
    const report = await drive(j.runOnce(), 60_000);
    sub.unsubscribe();
    j.stop();
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    const fs = json.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/fs0');
    expect(fs?.completedSteps[0]?.to.guid).toBe(world.src.versions('tank/fs0')[0]?.guid.toString());
    expect(seen).toEqual(expect.arrayContaining(['replicating', 'pruningSender', 'pruningReceiver', 'idle']));
  });
});
