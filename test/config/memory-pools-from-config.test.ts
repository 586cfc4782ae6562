import { describe, expect, it } from 'vitest';
import { createMemoryPoolsFromConfig } from '../../src/config/memory-pools-from-config.js';
import { parseConfig } from '../../src/config/parse-config.js';

const config = parseConfig(`
memory_pools:
  src:
    filesystems:
      tank/a/b: { snapshots: [s1, s2], bytes_per_snapshot: 100 }
      tank/c: ~
    faults:
      - { call: send, filesystem: tank/a/b, times: 2, effect: error, error_class: permanent }
jobs:
  - name: j
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: src }
    filesystems: { "tank<": true }
    root_fs: backup
    snapshotting: { type: manual }
    pruning: { keep_sender: [], keep_receiver: [] }
`);

describe('createMemoryPoolsFromConfig', () => {
  it('creates filesystems with their parents and snapshots that each carry new content', () => {
    const pool = createMemoryPoolsFromConfig(config.memoryPools).get('src');
    expect(pool?.filesystems()).toEqual(expect.arrayContaining(['tank', 'tank/a', 'tank/a/b', 'tank/c']));
    expect(pool?.versions('tank/a/b').map((v) => v.name)).toEqual(['s1', 's2']);
    expect([...(pool?.snapshotContent('tank/a/b', 's1').keys() ?? [])]).toEqual(['file-1.txt']);
    const second = pool?.snapshotContent('tank/a/b', 's2');
    expect([...(second?.keys() ?? [])]).toEqual(['file-1.txt', 'file-2.txt']);
    expect(second?.get('file-2.txt')?.length).toBe(100);
    expect(pool?.versions('tank/c')).toEqual([]);
  });

  it('arms the configured faults only after building, for the configured number of calls', async () => {
    const pool = createMemoryPoolsFromConfig(config.memoryPools).get('src');
    expect(pool?.faults.size).toBe(1);
    const [s1] = pool?.versions('tank/a/b') ?? [];
    if (pool === undefined || s1 === undefined) throw new Error('pool not built');
    const signal = new AbortController().signal;
    await expect(pool.send({ filesystem: 'tank/a/b', to: s1 }, signal)).rejects.toMatchObject({ kind: 'injected', errorClass: 'permanent' });
    await expect(pool.send({ filesystem: 'tank/a/b', to: s1 }, signal)).rejects.toMatchObject({ kind: 'injected' });
    await expect(pool.send({ filesystem: 'tank/a/b', to: s1 }, signal)).resolves.toBeDefined();
  });

  it('gives the same guids for the same seed', () => {
    const guids = (seed: number) => createMemoryPoolsFromConfig(config.memoryPools, { seed }).get('src')?.versions('tank/a/b').map((v) => v.guid);
    expect(guids(7)).toEqual(guids(7));
  });
});
