/** The scale benchmark's harness at a tiny size: it runs, replicates everything, and its check catches a receiver that is behind. */
import { describe, expect, it } from 'vitest';
import { describeScale, runScaleBenchmark } from '../../bench/scale.js';
import { assertReplicated, createMemoryTree } from '../../bench/lib/memory-tree.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

describe('scale benchmark harness', () => {
  it('runs the initial, nothing-to-do and one-new-snapshot runs and reports each', async () => {
    const result = await runScaleBenchmark({ filesystems: 12, snapshots: 3, runs: 2, concurrency: 2, features: 'zfs-fuse' });
    expect(result.noopMs).toHaveLength(2);
    expect(result.oneNewMs).toHaveLength(2);
    expect(result.peakRssMiB).toBeGreaterThan(0);
    expect(describeScale(result)).toContain('12 filesystems × 3 snapshots');
  });

  it('refuses a receiver that lacks the newest snapshot', async () => {
    const tree = await createMemoryTree(3, 2);
    const job = createReplicationJob({ name: 'check', sender: tree.sender, receiver: tree.receiver });
    try {
      await job.runOnce();
      expect(() => assertReplicated(tree)).not.toThrow();
      await tree.snapshotAll('later');
      expect(() => assertReplicated(tree)).toThrow(/not replicated: tank\/fs0 has @later/);
    } finally {
      job.stop();
    }
  });
});
