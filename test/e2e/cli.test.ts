import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'xrepl-e2e-'));

// Writes a configuration file for one test and returns its path.
function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const memoryJob = (faults = '[]', extra = '') => `
global: { logging: { level: warn } }
memory_pools:
  src:
    filesystems:
      tank/data: { snapshots: [s1, s2, s3] }
      tank/data/tmp: { snapshots: [s1] }
      tank/home: { snapshots: [h1] }
    faults: ${faults}
  dst:
    filesystems:
      backup/tank/tank/old: { snapshots: [o1, o2, o3, o4] }
jobs:
  - name: mem
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    # Not "tank<": the receiver's backup/tank/tank holds an older replica (tank/old) and is no
    # placeholder of xrepl's, so a full receive of tank onto it is refused (never overwritten).
    filesystems: { "tank/data<": true, "tank/data/tmp<": false, "tank/home<": true, "tank/old<": true }
    root_fs: backup/tank
    snapshotting: { type: periodic, prefix: xrepl_, interval: 10m }
    pruning:
      keep_sender: [ { type: not_replicated }, { type: last_n, count: 2 } ]
      keep_receiver: [ { type: last_n, count: 2 } ]
    replication: { initial_replication: all, retry: { max_attempts: 2, initial_delay: 50ms } }
    watchdog_timeout: 10s
${extra}`;

beforeAll(ensureBuilt, 240_000);

describe('xrepl (the built command)', () => {
  it('prints its version and help with exit 0', async () => {
    const version = await xrepl(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await xrepl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: xrepl');
  });

  it('run --once on memory pools: exit 0, the report says completed, pruning ran on both sides', async () => {
    const result = await xrepl(['run', '--config', configFile('ok.yml', memoryJob()), '--once']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('job mem: completed');
    expect(result.stdout).toMatch(/tank\/data\s+completed/);
    expect(result.stdout).not.toContain('tank/data/tmp');
    expect(result.stdout).toContain('destroyed tank/old@o1');
    expect(result.stdout).toContain('all jobs completed');
  });

  it('run --once --json prints parseable JobReports', async () => {
    const result = await xrepl(['run', '--config', configFile('json.yml', memoryJob()), '--once', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; jobs: { job: string; ok: boolean; snapshotting?: { snapshot?: string }; report: { job: string; last?: { ok: boolean; replication?: { state: string } } } }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.jobs[0]?.report.job).toBe('mem');
    expect(parsed.jobs[0]?.report.last?.replication?.state).toBe('completed');
    expect(parsed.jobs[0]?.snapshotting?.snapshot).toMatch(/^xrepl_\d{8}_\d{6}_\d{3}$/);
  });

  it('run --once logs JSON lines on stderr when it is not a terminal', async () => {
    const result = await xrepl(['run', '--config', configFile('log.yml', memoryJob()), '--once', '--log-level', 'info']);
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; job?: string });
    expect(lines.some((l) => l.job === 'mem' && /^tank\/data: completed \(/.test(l.msg))).toBe(true);
  });

  it('run --once with a job that fails: exit 1 and the report says what and why', async () => {
    const faults = '[ { call: send, filesystem: tank/home, times: all, effect: error, error_class: permanent } ]';
    const result = await xrepl(['run', '--config', configFile('fail.yml', memoryJob(faults)), '--once']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('job mem: FAILED');
    expect(result.stdout).toMatch(/tank\/home\s+permanentError.*permanent injected: .*injected permanent fault in send/);
    expect(result.stdout).toContain('FAILED: mem');
  });

  it('run with a bad config: exit 2, the message names the key, and nothing runs', async () => {
    const result = await xrepl(['run', '--config', configFile('bad.yml', memoryJob().replace('count: 2 } ]\n      keep_receiver', 'count: two } ]\n      keep_receiver')), '--once']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('jobs[0].pruning.keep_sender[1].count (job "mem")');
    expect(result.stdout).toBe('');
  });

  it('run with an unknown --job: exit 2 naming the jobs there are', async () => {
    const result = await xrepl(['run', '--config', configFile('ok2.yml', memoryJob()), '--once', '--job', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no job named "nope"');
    expect(result.stderr).toContain('its jobs are mem');
  });

  it('prune --dry-run prints what it would destroy and why, and destroys nothing', async () => {
    const result = await xrepl(['prune', '--config', configFile('prune.yml', memoryJob()), '--job', 'mem', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('prune dry run (nothing is destroyed)');
    expect(result.stdout).toContain('would destroy  @o1  (no rule keeps it)');
    expect(result.stdout).toContain('@o4  (kept by keep_receiver[0] last_n count=2)');
    expect(result.stdout).toContain('no replication cursor of job "mem"');
    const json = await xrepl(['prune', '--config', configFile('prune.yml', memoryJob()), '--job', 'mem', '--dry-run', '--json']);
    const parsed = JSON.parse(json.stdout) as { dryRun: boolean; sides: { side: string; filesystems: { filesystem: string; destroy: string[] }[] }[] };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.sides.find((s) => s.side === 'receiver')?.filesystems.find((f) => f.filesystem === 'tank/old')?.destroy).toEqual(['o1', 'o2']);
  });

  it('prune without --dry-run is a usage error', async () => {
    expect((await xrepl(['prune', '--config', configFile('prune2.yml', memoryJob()), '--job', 'mem'])).code).toBe(2);
  });

  it('config check accepts the example configurations and summarises them', async () => {
    for (const file of ['examples/configs/local-zfs.yml', 'examples/configs/ssh-push.yml']) {
      const result = await xrepl(['config', 'check', '--config', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${file}: configuration OK, 1 job(s)`);
    }
    const push = await xrepl(['config', 'check', '--config', 'examples/configs/ssh-push.yml', '--print']);
    expect(push.stdout).toContain('zfs over ssh root@backup.example:22');
    expect(push.stdout).toContain('identityFile: /root/.ssh/id_xrepl');
  });

  it('config check refuses a bad file with exit 2, names the key and prints no secret', async () => {
    const text = memoryJob().replace('    watchdog_timeout: 10s', '    watchdog_timeout: 10s\n    ssh_password: "correct horse battery staple"');
    const result = await xrepl(['config', 'check', '--config', configFile('secret.yml', text)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('jobs[0].ssh_password (job "mem"): unknown key');
    expect(result.stderr + result.stdout).not.toContain('correct horse');
  });

  it('run --demo --once finishes with a completed second invocation after the injected faults', async () => {
    const result = await xrepl(['run', '--demo', '--once', '--json'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; jobs: { earlier?: { ok: boolean; watchdog?: unknown[] }[]; report: { last?: { ok: boolean } } }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.jobs[0]?.earlier?.[0]?.ok).toBe(false);
    expect(parsed.jobs[0]?.earlier?.[0]?.watchdog).toHaveLength(1);
    expect(parsed.jobs[0]?.report.last?.ok).toBe(true);
  });
});
