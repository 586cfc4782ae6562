import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import type { BlockedOnReport, FilesystemReport, JobReport } from '../../src/report/job-report.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { drive, useEngineFakeTimers } from '../machines/harness.js';

describe('first replications run parent first', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('report$ shows a child blocked on its parent\'s first replication; the child starts once the parent is received, the free slot goes to another, no attempt fails', async () => {
    const src = createMemoryPool({ name: 'src', seed: 7 });
    const dst = createMemoryPool({ name: 'dst', seed: 8 });
    for (const fs of ['tank/a', 'tank/a/b', 'tank/c']) {
      src.createFilesystem(fs);
      src.write(fs, 'data', `${fs} `.repeat(2_000));
      src.snapshot(fs, 's1');
    }
    dst.createFilesystem('backup');
    // The parent's full send takes a while, so the child and the other filesystem are planned and queued meanwhile.
    src.faults.add({ call: 'send', filesystem: 'tank/a', effect: { type: 'slow', bytesPerChunk: 512, delayMs: 200 } });
    const job = createReplicationJob({
      name: 'parentfirst',
      sender: src.sender(),
      receiver: dst.receiver({ rootFs: 'backup' }),
      initialReplication: 'all',
      concurrency: 3,
    });
    const seen: { a?: FilesystemReport; b?: FilesystemReport; c?: FilesystemReport }[] = [];
    const blockedOfChild: (BlockedOnReport | undefined)[] = [];
    const sub = job.report$.subscribe((r: JobReport) => {
      const byPath = new Map((r.current?.replication?.filesystems ?? []).map((f) => [f.filesystem, f]));
      const [a, b, c] = [byPath.get('tank/a'), byPath.get('tank/a/b'), byPath.get('tank/c')];
      if (a && b && c) {
        seen.push({ a, b, c });
        blockedOfChild.push(b.blockedOn);
      }
    });
    const report = await drive(job.runOnce(), 120_000);
    sub.unsubscribe();
    job.stop();

    expect(report.last?.ok, JSON.stringify(report.last, null, 1)).toBe(true);
    expect(blockedOfChild).toContainEqual({ kind: 'parent-initial-replication', filesystem: 'tank/a' });
    // While the child waits, the parent is queued or runs, and the third filesystem is not kept from its slot.
    const waiting = seen.filter((s) => s.b?.blockedOn?.kind === 'parent-initial-replication');
    expect(waiting.every((s) => s.a?.state === 'ready' || s.a?.state === 'active')).toBe(true);
    expect(waiting.some((s) => s.a?.state === 'active' && s.c?.state !== 'ready')).toBe(true);
    // The child becomes active only after the parent's full send is on the receiver.
    const childActive = seen.findIndex((s) => s.b?.state === 'active');
    expect(childActive).toBeGreaterThan(-1);
    const parentBytes = report.last?.replication?.filesystems.find((f) => f.filesystem === 'tank/a')?.bytes;
    expect(parentBytes).toBeGreaterThan(0);
    expect(seen[childActive]?.a?.bytes).toBe(parentBytes);
    for (const f of report.last?.replication?.filesystems ?? []) expect([f.filesystem, f.attempts]).toEqual([f.filesystem, 0]);
    expect(dst.versions('backup/tank/a/b').map((v) => v.name)).toEqual(['s1']);
  });
});
