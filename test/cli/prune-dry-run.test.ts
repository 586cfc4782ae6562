import { describe, expect, it } from 'vitest';
import { pruneDryRun } from '../../src/cli/commands/prune.js';
import { describeRule, formatPruneDryRun } from '../../src/cli/prune-dry-run.js';
import { createJobFromConfig } from '../../src/config/job-from-config.js';
import { createMemoryPoolsFromConfig } from '../../src/config/memory-pools-from-config.js';
import { parseConfig } from '../../src/config/parse-config.js';

const config = parseConfig(`
memory_pools:
  src: { filesystems: { tank/a: { snapshots: [s1, s2, s3, s4] } } }
  dst: { filesystems: { backup/tank/tank/old: { snapshots: [o1, o2, o3] } } }
jobs:
  - name: j
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank<": true }
    root_fs: backup/tank
    snapshotting: { type: manual }
    replication: { initial_replication: all }
    pruning:
      keep_sender: [ { type: not_replicated }, { type: last_n, count: 1 } ]
      keep_receiver: [ { type: last_n, count: 2 } ]
`);
const job = config.jobs[0];
if (job === undefined) throw new Error('no job');
const signal = new AbortController().signal;

describe('prune --dry-run', () => {
  it('destroys nothing and makes no destroy call, on either side', async () => {
    const pools = createMemoryPoolsFromConfig(config.memoryPools);
    const before = [pools.get('src')?.versions('tank/a').length, pools.get('dst')?.versions('backup/tank/tank/old').length];
    const sides = await pruneDryRun(job, pools, signal);
    expect(sides.find((s) => s.side === 'receiver')?.filesystems.find((f) => f.filesystem === 'tank/old')?.destroy).toEqual(['o1']);
    expect(pools.get('src')?.calls.count('destroySnapshots')).toBe(0);
    expect(pools.get('dst')?.calls.count('destroySnapshots')).toBe(0);
    expect([pools.get('src')?.versions('tank/a').length, pools.get('dst')?.versions('backup/tank/tank/old').length]).toEqual(before);
  });

  it('destroys nothing on a sender without a replication cursor, and says why', async () => {
    const sides = await pruneDryRun(job, createMemoryPoolsFromConfig(config.memoryPools), signal);
    const a = sides.find((s) => s.side === 'sender')?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(a?.destroy).toEqual([]);
    expect(a?.problem).toContain('no replication cursor of job "j"');
  });

  it('after a replication, names the rules that keep each sender snapshot', async () => {
    const pools = createMemoryPoolsFromConfig(config.memoryPools);
    // Replicate with rules that keep everything, so the dry run below sees all four snapshots.
    const configured = await createJobFromConfig({ ...job, keepSender: [], keepReceiver: [] }, pools);
    const report = await configured.job.runOnce();
    configured.job.stop();
    expect(report.last?.ok).toBe(true);
    const sender = (await pruneDryRun(job, pools, signal)).find((s) => s.side === 'sender');
    const a = sender?.filesystems.find((f) => f.filesystem === 'tank/a');
    expect(sender?.rules).toEqual(['keep_sender[0] not_replicated', 'keep_sender[1] last_n count=1']);
    expect(a?.destroy).toEqual(['s1', 's2', 's3']);
    expect(a?.kept).toEqual([{ name: 's4', keptBy: ['keep_sender[0] not_replicated', 'keep_sender[1] last_n count=1'] }]);
  });

  it('formats what would be destroyed and why the rest is kept', () => {
    const text = formatPruneDryRun('j', [
      { side: 'sender', rules: ['keep_sender[0] last_n count=1'], filesystems: [{ filesystem: 'tank/a', destroy: ['s1'], protected: [{ name: 's2', reason: 'held' }], kept: [{ name: 's2', keptBy: [] }, { name: 's3', keptBy: ['keep_sender[0] last_n count=1'] }] }] },
      { side: 'receiver', rules: [], filesystems: [] },
    ]);
    expect(text).toContain('would destroy  @s1');
    expect(text).toContain('@s2  (the rules would destroy it, but: held)');
    expect(text).toContain('@s3  (kept by keep_sender[0] last_n count=1)');
    expect(text).toContain('would destroy 1 snapshot(s) on the sender and 0 on the receiver');
  });

  it('describes a rule by its type and fields', () => {
    expect(describeRule({ type: 'grid', grid: '1x1h', regex: '^x' })).toBe('grid grid="1x1h" regex="^x"');
  });
});
