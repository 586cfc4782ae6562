/**
 * Snapshotting hooks and timestamp_format with the built command on real zfs-fuse pools: a cron
 * job's `run --once` runs each hook before and after the snapshot with zrepl's environment, a
 * fatal pre hook keeps its filesystem out of the snapshot (its post hook still runs), and the
 * names carry the configured time format.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';

describeWithZfs('snapshotting hooks on real zfs-fuse pools (built CLI)', () => {
  let pools: TestPools;
  let dir: string;
  let config: string;
  let data: string;
  let root: string;
  let hookLog: string;

  beforeAll(async () => {
    await ensureBuilt();
    pools = await createTestPools(['hsrc', 'hdst']);
    data = `${pools.pool('hsrc')}/data`;
    root = `${pools.pool('hdst')}/backup`;
    for (const fs of [data, `${data}/db`, `${data}/www`, root]) await sh('zfs', 'create', fs);
    dir = await mkdtemp(join(tmpdir(), 'xrepl-hooks-zfs-'));
    hookLog = join(dir, 'hooks.log');
    const hook = join(dir, 'hook.sh');
    // Logs its environment; refuses (exit 1) before the snapshot of .../www.
    await writeFile(
      hook,
      `#!/bin/sh\necho "$ZREPL_HOOKTYPE $ZREPL_FS $ZREPL_SNAPNAME $ZREPL_DRYRUN $XREPL_JOB \${XREPL_SNAPSHOT_RESULT:-}" >> ${hookLog}\n` +
        `case "$ZREPL_HOOKTYPE $ZREPL_FS" in "pre_snapshot ${data}/www") exit 1;; esac\n`,
    );
    await chmod(hook, 0o755);
    config = join(dir, 'xrepl.yml');
    await writeFile(
      config,
      [
        'jobs:',
        '  - name: hooked',
        '    type: local',
        `    filesystems: { "${data}/db": true, "${data}/www": true }`,
        `    root_fs: ${root}`,
        '    snapshotting:',
        '      type: cron',
        '      cron: "0 * * * *"',
        '      prefix: h_',
        '      timestamp_format: iso-8601',
        `      hooks: [ { type: command, path: ${hook}, timeout: 20s, err_is_fatal: true } ]`,
        '    pruning: { keep_sender: [ { type: not_replicated } ], keep_receiver: [ { type: last_n, count: 5 } ] }',
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
    (await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-d', '1', fs))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));

  it('runs pre and post hooks with zrepl\'s environment; a fatal pre hook keeps its filesystem out', async () => {
    const run = await xrepl(['run', '--config', config, '--once', '--json'], { timeoutMs: 120_000 });
    const report = JSON.parse(run.stdout) as { ok: boolean; jobs: { snapshotting?: { snapshot: string; filesystems: string[] } }[] };
    // The fatal hook failure makes the run not ok, but the other filesystem is snapshotted and replicated.
    expect(report.ok, run.stderr).toBe(false);
    const snapshot = report.jobs[0]?.snapshotting?.snapshot ?? '';
    expect(snapshot).toMatch(/^h_\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(report.jobs[0]?.snapshotting?.filesystems).toEqual([`${data}/db`]);
    expect(await snapshotNames(`${data}/db`)).toEqual([snapshot]);
    expect(await snapshotNames(`${data}/www`)).toEqual([]);
    expect(await snapshotNames(`${root}/${data}/db`)).toEqual([snapshot]);
    const lines = (await readFile(hookLog, 'utf8')).trim().split('\n');
    expect(lines).toEqual([
      `pre_snapshot ${data}/db ${snapshot} false hooked `,
      `pre_snapshot ${data}/www ${snapshot} false hooked `,
      `post_snapshot ${data}/www ${snapshot} false hooked skipped`,
      `post_snapshot ${data}/db ${snapshot} false hooked taken`,
    ]);
  });
});
