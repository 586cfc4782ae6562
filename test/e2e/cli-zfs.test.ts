/**
 * The built command on real zfs-fuse pools, as an operator runs it: a config file, `run --once`
 * twice (snapshot, full then incremental replication, pruning), the received files compared byte
 * for byte, and `prune --dry-run` destroying nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, mounted, readSnapshotFiles, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';

describeWithZfs('xrepl run --once on real zfs-fuse pools (built CLI)', () => {
  let pools: TestPools;
  let dir: string;
  let config: string;
  let data: string;
  let root: string;

  beforeAll(async () => {
    await ensureBuilt();
    pools = await createTestPools(['csrc', 'cdst']);
    data = `${pools.pool('csrc')}/data`;
    root = `${pools.pool('cdst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', `${data}/docs`);
    await sh('zfs', 'create', root);
    await writeFile(join(await mounted(`${data}/docs`), 'report.bin'), randomBytes(300 * 1024));
    dir = await mkdtemp(join(tmpdir(), 'xrepl-cli-zfs-'));
    config = join(dir, 'xrepl.yml');
    await writeFile(
      config,
      [
        'jobs:',
        '  - name: cli_zfs',
        '    type: local',
        `    filesystems: { "${data}<": true }`,
        `    root_fs: ${root}`,
        '    snapshotting: { type: periodic, prefix: cli_, interval: 10m }',
        '    pruning:',
        '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 1 } ]',
        '      keep_receiver: [ { type: last_n, count: 5 } ]',
        '    replication: { concurrency: 2, initial_replication: all }',
        '    watchdog_timeout: 1m',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await pools?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const snapshotNames = async (fs: string) =>
    (await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', fs))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));

  it('snapshots, replicates full then incremental, prunes, and the received files match', async () => {
    const first = await xrepl(['run', '--config', config, '--once', '--json'], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    const firstReport = JSON.parse(first.stdout) as { ok: boolean; jobs: { snapshotting?: { snapshot: string } }[] };
    expect(firstReport.ok).toBe(true);
    const snap1 = firstReport.jobs[0]?.snapshotting?.snapshot ?? '';
    expect(snap1).toMatch(/^cli_\d{8}_\d{6}_\d{3}$/);

    await writeFile(join(await mounted(`${data}/docs`), 'report.bin'), randomBytes(100 * 1024));
    const second = await xrepl(['run', '--config', config, '--once', '--json'], { timeoutMs: 120_000 });
    expect(second.code, second.stderr).toBe(0);
    const snap2 = (JSON.parse(second.stdout) as { jobs: { snapshotting?: { snapshot: string } }[] }).jobs[0]?.snapshotting?.snapshot ?? '';

    const sent = await readSnapshotFiles(`${data}/docs`, snap2);
    const received = await readSnapshotFiles(`${root}/${data}/docs`, snap2);
    expect(received.get('report.bin')?.equals(sent.get('report.bin') ?? Buffer.alloc(0))).toBe(true);
    expect(await snapshotNames(`${root}/${data}/docs`)).toEqual([snap1, snap2]);
    // keep_sender last_n 1: the replicated older snapshot is gone from the sender.
    expect(await snapshotNames(`${data}/docs`)).toEqual([snap2]);

    const before = await snapshotNames(`${root}/${data}/docs`);
    const dry = await xrepl(['prune', '--config', config, '--job', 'cli_zfs', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(await snapshotNames(`${root}/${data}/docs`)).toEqual(before);
  });

  it('logs what each invocation did, and at debug level every zfs command with its duration and exit', async () => {
    const [previous] = (await snapshotNames(`${data}/docs`)).slice(-1);
    await writeFile(join(await mounted(`${data}/docs`), 'log.bin'), randomBytes(64 * 1024));
    const run = await xrepl(['--log-level', 'debug', 'run', '--config', config, '--once', '--json'], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; command?: string[]; exitCode?: number; seconds?: number; destroyed?: string[] });
    const summary = lines.find((l) => l.msg.startsWith('job cli_zfs: invocation 1 '));
    expect(summary?.msg).toMatch(/^job cli_zfs: invocation 1 completed after [\d.]+ s: 2 filesystem\(s\) replicated \(2 transfer\(s\), .+\); sender pruning destroyed 2; receiver pruning destroyed 0$/);
    const docs = lines.find((l) => l.msg.startsWith(`${data}/docs: sender pruning destroyed`));
    expect(docs?.destroyed).toEqual([previous]);
    const sends = lines.filter((l) => l.level === 20 && l.command?.includes('send') === true);
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const send of sends) {
      expect(send.exitCode).toBe(0);
      expect(send.seconds).toBeGreaterThan(0);
      expect(send.msg).toMatch(/: exit 0 after [\d.]+ s$/);
    }
  });
});
