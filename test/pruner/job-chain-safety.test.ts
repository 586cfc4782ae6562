/**
 * The incremental chain and other jobs' cursors survive pruning, on the memory endpoint under a
 * simulated clock: a failed or cancelled later step, and a second job sending from the same
 * filesystem, never leave a filesystem without the base of its next incremental.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createMemoryPool, type MemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { drive, useEngineFakeTimers } from '../machines/harness.js';
import type { KeepRuleConfig } from '../../src/pruning/keep-rule-schema.js';

const FS = 'tank/data';

function world(options: { bookmarks?: boolean } = {}) {
  const capabilities = { bookmarks: options.bookmarks ?? false };
  const src = createMemoryPool({ name: 'src', seed: 1, capabilities });
  const dst = createMemoryPool({ name: 'dst', seed: 2, capabilities });
  src.createFilesystem(FS);
  dst.createFilesystem('backup');
  return { src, dst };
}

function snap(pool: MemoryPool, name: string): void {
  pool.write(FS, 'data', `generation ${name} `.repeat(10));
  pool.snapshot(FS, name);
}

const names = (pool: MemoryPool, fs: string): string[] => pool.versions(fs).filter((v) => v.type === 'snapshot').map((v) => v.name);

function job(name: string, sender: Endpoint, receiver: Endpoint, keepSender: readonly KeepRuleConfig[], keepReceiver: readonly KeepRuleConfig[] = [], watchdogTimeoutMs = 5_000) {
  return createReplicationJob({
    name,
    sender,
    receiver,
    keepSender,
    keepReceiver,
    initialReplication: 'all',
    watchdogTimeoutMs,
    retry: { maxAttempts: 1, initialDelayMs: 1_000, maxDelayMs: 1_000 },
  });
}

/** Arms `effect` on the receiver's second receive from now (the first one succeeds). */
function failSecondReceive(dst: MemoryPool, effect: { type: 'hang' } | { type: 'error'; errorClass: 'permanent' }): void {
  dst.faults.add({ call: 'receive', effect: { type: 'run', action: () => dst.faults.add({ call: 'receive', effect }) } });
}

describe('the incremental chain survives a failed or cancelled later step', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  for (const failure of ['fails for good', 'hangs until the watchdog cancels it'] as const) {
    it(`keeps the newest common snapshot on both sides when a later step ${failure}, so the next run goes on incrementally`, async () => {
      const { src, dst } = world();
      snap(src, 's1');
      // No not_replicated: only the chain-safety rules stand between last_n and the base.
      const j = job('j', src.sender(), dst.receiver({ rootFs: 'backup' }), [{ type: 'last_n', count: 1 }], [{ type: 'last_n', count: 1 }], 2_000);
      expect((await drive(j.runOnce(), 60_000)).last?.ok).toBe(true);
      snap(src, 's2');
      snap(src, 's3');
      failSecondReceive(dst, failure === 'fails for good' ? { type: 'error', errorClass: 'permanent' } : { type: 'hang' });
      const broken = await drive(j.runOnce(), 60_000);
      expect(broken.last?.ok).toBe(false);
      if (failure !== 'fails for good') expect(broken.last?.watchdog?.[0]?.cancelled).toBe('replication');
      // s2 is on the receiver: the sender keeps it whatever last_n says.
      expect(names(dst, `backup/${FS}`)).toEqual(['s2']);
      expect(names(src, FS)).toContain('s2');
      const next = await drive(j.runOnce(), 60_000);
      j.stop();
      expect(next.last?.ok).toBe(true);
      expect(names(dst, `backup/${FS}`)).toEqual(['s3']);
    });
  }
});

describe("jobs never break each other's chains", () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  for (const bookmarks of [false, true]) {
    it(`a job's last_n leaves the snapshot another job's cursor marks (${bookmarks ? 'bookmark' : 'property'} cursors), and that job goes on incrementally`, async () => {
      const { src, dst } = world({ bookmarks });
      const other = createMemoryPool({ name: 'dst2', seed: 3, capabilities: { bookmarks } });
      other.createFilesystem('backup2');
      snap(src, 's1');
      snap(src, 's2');
      const b = job('b', src.sender(), other.receiver({ rootFs: 'backup2' }), []);
      expect((await drive(b.runOnce(), 60_000)).last?.ok).toBe(true);
      snap(src, 's3');
      snap(src, 's4');
      const a = job('a', src.sender(), dst.receiver({ rootFs: 'backup' }), [{ type: 'not_replicated' }, { type: 'last_n', count: 1 }]);
      const aReport = await drive(a.runOnce(), 60_000);
      a.stop();
      expect(aReport.last?.ok).toBe(true);
      // Job b's cursor is at s2: job a's pruner keeps it (and destroys s1 and s3).
      expect(names(src, FS)).toEqual(['s2', 's4']);
      const bReport = await drive(b.runOnce(), 60_000);
      b.stop();
      expect(bReport.last?.ok).toBe(true);
      expect(names(other, `backup2/${FS}`)).toEqual(['s1', 's2', 's3', 's4'].filter((n) => n !== 's3'));
    });
  }
});

describe('a long prune keeps the watchdog informed', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('prunes 2,000 snapshots that take 10 ms each under a 2 s watchdog without being cancelled', async () => {
    const { src, dst } = world();
    for (let i = 1; i <= 2_000; i++) src.snapshot(FS, `s${String(i).padStart(4, '0')}`);
    const inner = src.sender();
    // Destroying takes time per snapshot, as zfs does: one call for all would outlast the watchdog.
    const slow: Endpoint = {
      ...inner,
      destroySnapshots: async (fs, snapshots, signal) => {
        await new Promise((resolve) => setTimeout(resolve, snapshots.length * 10));
        return inner.destroySnapshots(fs, snapshots, signal);
      },
    };
    const j = createReplicationJob({
      name: 'j',
      sender: slow,
      receiver: dst.receiver({ rootFs: 'backup' }),
      keepSender: [{ type: 'last_n', count: 1 }],
      // The newest snapshot alone is replicated: everything older is at or before the cursor.
      initialReplication: 'most_recent',
      watchdogTimeoutMs: 2_000,
    });
    const report = await drive(j.runOnce(), 600_000);
    j.stop();
    expect(report.last?.watchdog ?? []).toEqual([]);
    expect(report.last?.pruneSender?.state).toBe('done');
    expect(names(src, FS)).toEqual(['s2000']);
  });
});
