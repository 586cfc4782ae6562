/**
 * `xrepl test filesystems` and `xrepl test placeholder` with the built command: on memory pools
 * (the filter's verdicts from a live listing) and on real zfs-fuse pools (verdicts, then after a
 * run with send and recv options the placeholders below root_fs told from the replicas with data).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'xrepl-cli-test-'));
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('xrepl test filesystems on memory pools (built CLI)', () => {
  it('says ACCEPT with the target for what the patterns select and REJECT for the rest', async () => {
    const config = join(dir, 'memory.yml');
    await writeFile(
      config,
      `memory_pools:
  src: { filesystems: { tank/a: { snapshots: [s1] }, tank/b: { snapshots: [s1] }, other/c: { snapshots: [s1] } } }
  dst: {}
jobs:
  - name: mem
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank<": true, "tank/b": false }
    root_fs: backup
    snapshotting: { type: manual }
    pruning: { keep_sender: [ { type: last_n, count: 3 } ], keep_receiver: [ { type: last_n, count: 3 } ] }
`,
    );
    const result = await xrepl(['test', 'filesystems', '-c', config, '--job', 'mem']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ACCEPT tank/a -> backup/tank/a\n');
    expect(result.stdout).toContain('REJECT tank/b\n');
    expect(result.stdout).toContain('REJECT other/c\n');
    expect(result.stdout).not.toContain('ACCEPT other');
    const json = await xrepl(['test', 'filesystems', '-c', config, '--job', 'mem', '--json']);
    const parsed = JSON.parse(json.stdout) as { filesystems: { filesystem: string; accepted: boolean; target?: string }[] };
    expect(parsed.filesystems.find((f) => f.filesystem === 'tank/a')).toEqual({ filesystem: 'tank/a', accepted: true, target: 'backup/tank/a' });
  });

  it('names the jobs there are for an unknown --job, with exit 2', async () => {
    const result = await xrepl(['test', 'placeholder', '-c', join(dir, 'memory.yml'), '--job', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no job named "nope"');
    expect(result.stderr).toContain('its jobs are mem');
  });
});

describeWithZfs('xrepl test filesystems and test placeholder on zfs-fuse (built CLI)', () => {
  let pools: TestPools;
  let config: string;
  let data: string;
  let root: string;

  beforeAll(async () => {
    pools = await createTestPools(['tsrc', 'tdst']);
    data = `${pools.pool('tsrc')}/data`;
    root = `${pools.pool('tdst')}/backup`;
    for (const fs of [data, `${data}/keep`, `${data}/skip`]) await sh('zfs', 'create', fs);
    await sh('zfs', 'create', root);
    await sh('zfs', 'set', 'org.example:tag=sent', `${data}/keep`);
    await sh('zfs', 'snapshot', '-r', `${data}@s1`);
    config = join(dir, 'zfs.yml');
    await writeFile(
      config,
      `jobs:
  - name: zfs_test
    type: local
    filesystems: { "${data}<": true, "${data}/skip": false }
    root_fs: ${root}
    snapshotting: { type: manual }
    pruning: { keep_sender: [ { type: last_n, count: 3 } ], keep_receiver: [ { type: last_n, count: 3 } ] }
    send: { send_properties: true, bandwidth_limit: { max: 64 MiB } }
    recv: { placeholder: { encryption: off } }
`,
    );
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  it('lists the live filesystems with their verdicts, then after a run tells placeholders from data', async () => {
    const verdicts = await xrepl(['test', 'filesystems', '-c', config, '--job', 'zfs_test']);
    expect(verdicts.code, verdicts.stderr).toBe(0);
    expect(verdicts.stdout).toContain(`ACCEPT ${data}/keep -> ${root}/${data}/keep\n`);
    expect(verdicts.stdout).toContain(`REJECT ${data}/skip\n`);
    expect(verdicts.stdout).toContain(`ACCEPT ${data} -> ${root}/${data}\n`);
    expect(verdicts.stdout).toContain('2 of 3 filesystems selected by job zfs_test\n');

    const run = await xrepl(['run', '--once', '-c', config]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    // send_properties (-p) carried the sender's user property.
    expect((await sh('zfs', 'get', '-H', '-o', 'value', 'org.example:tag', `${root}/${data}/keep`)).trim()).toBe('sent');

    const states = await xrepl(['test', 'placeholder', '-c', config, '--job', 'zfs_test', '--json']);
    expect(states.code, states.stderr).toBe(0);
    const parsed = JSON.parse(states.stdout) as { filesystems: { filesystem: string; target: string; placeholder: boolean }[] };
    const pool = pools.pool('tsrc');
    expect(parsed.filesystems).toContainEqual({ filesystem: pool, target: `${root}/${pool}`, placeholder: true });
    expect(parsed.filesystems).toContainEqual({ filesystem: data, target: `${root}/${data}`, placeholder: false });
    expect(parsed.filesystems).toContainEqual({ filesystem: `${data}/keep`, target: `${root}/${data}/keep`, placeholder: false });
    const one = await xrepl(['test', 'placeholder', '-c', config, '--job', 'zfs_test', '--dataset', `${data}/keep`]);
    expect(one.stdout).toBe(`data        ${root}/${data}/keep\n`);
  });
});
