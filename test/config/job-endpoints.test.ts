import { describe, expect, it } from 'vitest';
import { createJobEndpoints, senderRoots } from '../../src/config/job-endpoints.js';
import { createMemoryPoolsFromConfig } from '../../src/config/memory-pools-from-config.js';
import { parseConfig } from '../../src/config/parse-config.js';

describe('senderRoots', () => {
  it('lists the filesystems of accepting patterns, without those below another root', () => {
    expect(senderRoots({ 'tank/data<': true, 'tank/data/tmp<': false, 'tank/data/x': true, 'zroot/home': true })).toEqual(['tank/data', 'zroot/home']);
  });

  it('is undefined (every pool) when a bare "<" accepts everything', () => {
    expect(senderRoots({ '<': true, 'tank/tmp<': false })).toBeUndefined();
  });
});

describe('createJobEndpoints with memory pools', () => {
  const config = parseConfig(`
memory_pools:
  src: { filesystems: { tank/a: { snapshots: [s1] }, tank/tmp: { snapshots: [s1] } } }
  dst: {}
jobs:
  - name: j
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank<": true, "tank/tmp<": false }
    root_fs: backup/tank
    snapshotting: { type: manual }
    pruning: { keep_sender: [], keep_receiver: [] }
`);

  it('filters the sender by the job patterns and creates root_fs on a fresh receiver pool', async () => {
    const pools = createMemoryPoolsFromConfig(config.memoryPools);
    const job = config.jobs[0];
    if (job === undefined) throw new Error('no job');
    const { sender, receiver } = await createJobEndpoints(job, pools);
    const signal = new AbortController().signal;
    expect((await sender.listFilesystems(signal)).map((f) => f.path).sort()).toEqual(['tank', 'tank/a']);
    expect(pools.get('dst')?.hasFilesystem('backup/tank')).toBe(true);
    expect(await receiver.listFilesystems(signal)).toEqual([]);
  });
});
