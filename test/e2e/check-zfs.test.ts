/** `xrepl check snapshots` with the built command on real zfs-fuse pools: exit codes and the line. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';

describeWithZfs('xrepl check snapshots on real zfs-fuse pools (built CLI)', () => {
  let pools: TestPools;
  let dir: string;
  let config: string;
  let data: string;

  beforeAll(async () => {
    await ensureBuilt();
    pools = await createTestPools(['ksrc', 'kdst']);
    data = `${pools.pool('ksrc')}/data`;
    const root = `${pools.pool('kdst')}/backup`;
    for (const fs of [data, root]) await sh('zfs', 'create', fs);
    await sh('zfs', 'snapshot', `${data}@fresh`);
    dir = await mkdtemp(join(tmpdir(), 'xrepl-check-'));
    config = join(dir, 'xrepl.yml');
    await writeFile(
      config,
      [
        'jobs:',
        '  - name: watched',
        '    type: local',
        `    filesystems: { "${data}": true }`,
        `    root_fs: ${root}`,
        '    snapshotting: { type: manual }',
        '    pruning: { keep_sender: [], keep_receiver: [] }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await pools?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is OK for a fresh sender snapshot and CRITICAL for a receiver that has none', async () => {
    const sender = await xrepl(['check', 'snapshots', '-c', config, '-j', 'watched', '-w', '1h', '-C', '2h', '--side', 'sender']);
    expect(sender.code, sender.stderr).toBe(0);
    expect(sender.stdout).toMatch(new RegExp(`^XREPL SNAPSHOTS OK - job watched: .*\\| 'sender:${data}'=\\d+s;3600;7200;0\\n$`));
    const both = await xrepl(['check', 'snapshots', '-c', config, '-j', 'watched', '-w', '1h', '-C', '2h']);
    expect(both.code, both.stderr).toBe(2);
    expect(both.stdout).toContain(`receiver ${data} has no snapshot`);
  });

  it('is UNKNOWN (3) for thresholds that make no sense', async () => {
    const bad = await xrepl(['check', 'snapshots', '-c', config, '-j', 'watched', '-w', '2h', '-C', '1h']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/^XREPL SNAPSHOTS UNKNOWN - --critical \(1h\) is shorter than --warning \(2h\)/);
  });
});
