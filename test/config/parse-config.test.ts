import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/parse-config.js';
import { configProblemLines } from './config-problems.js';

// A valid memory job; tests change one thing at a time.
const job = (extra = ''): string => `
memory_pools:
  src: { filesystems: { tank/a: { snapshots: [s1] } } }
  dst: {}
jobs:
  - name: backup
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank<": true }
    root_fs: backup/tank
    snapshotting: { type: periodic, prefix: xrepl_, interval: 10m }
    pruning:
      keep_sender: [ { type: not_replicated }, { type: last_n, count: 10 } ]
      keep_receiver: [ { type: grid, grid: "1x1h(keep=all) | 24x1h", regex: "^xrepl_" } ]
${extra}`;


describe('parseConfig on valid files', () => {
  it('resolves durations to milliseconds, endpoints and defaults', () => {
    const config = parseConfig(job('    watchdog_timeout: 1m\n    replication: { concurrency: 3, retry: { initial_delay: 300ms } }'));
    const [backup] = config.jobs;
    expect(backup).toMatchObject({
      index: 0,
      name: 'backup',
      sender: { type: 'memory', pool: 'src' },
      receiver: { type: 'memory', pool: 'dst' },
      rootFs: 'backup/tank',
      snapshotting: { type: 'periodic', prefix: 'xrepl_', intervalMs: 600_000 },
      intervalMs: 600_000,
      watchdogTimeoutMs: 60_000,
      concurrency: 3,
      initialReplication: 'most_recent',
      retry: { initialDelayMs: 300 },
    });
    expect(config.global.logging).toEqual({ level: 'info', format: 'auto' });
  });

  it('gives push jobs a local sender and an ssh receiver, pull jobs the reverse', async () => {
    const push = await loadConfigFile('examples/configs/ssh-push.yml');
    expect(push.jobs[0]?.sender).toEqual({ type: 'zfs', transport: 'local' });
    expect(push.jobs[0]?.receiver).toMatchObject({ type: 'zfs', transport: 'ssh', ssh: { host: 'backup.example', user: 'root', port: 22, identityFile: '/root/.ssh/id_xrepl' } });
    const pullText = (await readFile('examples/configs/ssh-push.yml', 'utf8')).replace('type: push', 'type: pull');
    const pull = parseConfig(pullText);
    expect(pull.jobs[0]?.sender).toMatchObject({ type: 'zfs', transport: 'ssh' });
    expect(pull.jobs[0]?.receiver).toEqual({ type: 'zfs', transport: 'local' });
  });

  it('accepts the example local zfs configuration with monitoring', async () => {
    const config = await loadConfigFile('examples/configs/local-zfs.yml');
    expect(config.global.monitoring).toEqual({ host: '127.0.0.1', port: 9811 });
    expect(config.jobs[0]?.filesystems).toEqual({ 'tank/data<': true, 'tank/data/tmp<': false });
  });
});

describe('parseConfig on invalid files', () => {
  it('names an unknown key with its path and job, lists the allowed keys, and does not print its value', () => {
    const problems = configProblemLines(job('    password: hunter2'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('jobs[0].password (job "backup")');
    expect(problems[0]).toContain('unknown key; expected only name, type, connect');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('names unknown keys in nested objects', () => {
    const problems = configProblemLines(job('    replication: { concurency: 2 }'));
    expect(problems[0]).toContain('jobs[0].replication.concurency (job "backup"): unknown key; expected only concurrency, initial_replication');
  });

  it('says which key is missing', () => {
    const problems = configProblemLines(job().replace('    root_fs: backup/tank\n', ''));
    expect(problems).toEqual(['test.yml: jobs[0].root_fs (job "backup"): is required (expected string)']);
  });

  it('names a malformed duration and what a duration looks like', () => {
    const problems = configProblemLines(job().replace('interval: 10m', 'interval: 10q'));
    expect(problems[0]).toContain('jobs[0].snapshotting.interval (job "backup"): invalid duration "10q"');
    expect(problems[0]).toContain('"10m"');
  });

  it('refuses a zero interval', () => {
    expect(configProblemLines(job().replace('interval: 10m', 'interval: 0s'))[0]).toContain('jobs[0].snapshotting.interval');
  });

  it('surfaces a bad filesystem pattern with its path', () => {
    const problems = configProblemLines(job().replace('"tank<": true', '"tank/a<<": true'));
    expect(problems[0]).toContain('jobs[0].filesystems (job "backup"): filesystem pattern "tank/a<<"');
  });

  it('surfaces a bad keep rule with its full path', () => {
    const problems = configProblemLines(job().replace('count: 10', 'count: -1'));
    expect(problems[0]).toMatch(/^test\.yml: jobs\[0\]\.pruning\.keep_sender\[1\]\.count \(job "backup"\): /);
  });

  it('surfaces an unknown keep rule type with its path', () => {
    const problems = configProblemLines(job().replace('{ type: not_replicated }', '{ type: keep_all }'));
    expect(problems[0]).toContain('jobs[0].pruning.keep_sender[0].type (job "backup"): unknown keep rule type');
  });

  it('refuses duplicate job names, naming both jobs', () => {
    const text = job();
    const second = text.slice(text.indexOf('  - name: backup'));
    const problems = configProblemLines(`${text}\n${second}`);
    expect(problems).toContain('test.yml: jobs[1].name (job "backup"): duplicate job name; jobs[0] already uses it');
  });

  it('refuses a job name that cannot be part of a cursor name', () => {
    const problems = configProblemLines(job().replace('name: backup', 'name: "my backup"'));
    expect(problems[0]).toContain('jobs[0].name (job "my backup"): expected 1 to 64 letters, digits');
  });

  it('requires connect for push and pull jobs and refuses it for local ones', () => {
    const push = configProblemLines(job().replace('type: local', 'type: push').replace(/ {4}(sender|receiver):.*\n/g, ''));
    expect(push).toEqual([expect.stringContaining('jobs[0].connect (job "backup"): is required for a push job')]);
    const local = configProblemLines(job('    connect: { type: ssh, host: example.org }'));
    expect(local[0]).toContain('jobs[0].connect (job "backup"): a local job runs on this machine');
  });

  it('refuses ssh settings the transport would refuse', () => {
    const text = job().replace('type: local', 'type: push').replace(/ {4}(sender|receiver):.*\n/g, '');
    expect(configProblemLines(`${text}    connect: { type: ssh, host: "-oProxyCommand=x" }\n`)[0]).toContain('jobs[0].connect (job "backup"): host');
  });

  it('refuses a memory pool that memory_pools does not define', () => {
    const problems = configProblemLines(job().replace('pool: dst', 'pool: elsewhere'));
    expect(problems[0]).toBe('test.yml: jobs[0].receiver.pool (job "backup"): no memory pool named "elsewhere"; expected one of memory_pools: src, dst');
  });

  it('refuses an invalid root_fs', () => {
    expect(configProblemLines(job().replace('root_fs: backup/tank', 'root_fs: backup//tank'))[0]).toContain('jobs[0].root_fs (job "backup"): expected a filesystem name');
  });

  it('reports every shape problem at once, each with its own path', () => {
    const problems = configProblemLines(job('    watchdog_timeout: soon\n    replication: { concurrency: 0 }'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('jobs[0].replication.concurrency (job "backup")');
    expect(problems[1]).toContain('jobs[0].watchdog_timeout (job "backup")');
  });

  it('checks keep rules and patterns only once the shape is right, then reports all of them', () => {
    const problems = configProblemLines(job().replace('count: 10', 'count: "ten"').replace('"tank<": true', '"tank<<": true'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('jobs[0].filesystems (job "backup")');
    expect(problems[1]).toContain('jobs[0].pruning.keep_sender[1].count (job "backup")');
  });

  it('gives the line of a YAML syntax error without echoing the line', () => {
    const problems = configProblemLines('jobs:\n  - name: a\n    token: s3cr3t: nested\n');
    expect(problems[0]).toMatch(/^test\.yml:3:\d+: YAML syntax error: /);
    expect(problems.join('\n')).not.toContain('s3cr3t');
  });

  it('refuses duplicate keys', () => {
    expect(configProblemLines('jobs: []\njobs: []\n')[0]).toMatch(/^test\.yml:2:1: YAML syntax error: Map keys must be unique/);
  });

  it('refuses a file without jobs', () => {
    expect(configProblemLines('global: {}\n')).toEqual(['test.yml: jobs: is required (expected array)']);
    expect(configProblemLines('jobs: []\n')).toEqual(['test.yml: jobs: expected at least one job']);
  });

  it('says when the file cannot be read', async () => {
    await expect(loadConfigFile('/nonexistent/xrepl.yml')).rejects.toThrow('/nonexistent/xrepl.yml: cannot read the configuration file: no such file');
  });

  it('refuses any unknown job key, naming it and never printing its value', () => {
    const known = new Set(['name', 'type', 'connect', 'sender', 'receiver', 'filesystems', 'root_fs', 'snapshotting', 'pruning', 'replication', 'interval', 'watchdog_timeout']);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z_]{0,15}$/).filter((key) => !known.has(key)),
        fc.stringMatching(/^[A-Za-z0-9]{12,20}$/),
        (key, value) => {
          const problems = configProblemLines(job(`    ${key}: "${value}"`));
          expect(problems).toEqual([expect.stringContaining(`jobs[0].${key} (job "backup"): unknown key`)]);
          expect(problems.join('\n')).not.toContain(value);
        },
      ),
      { numRuns: 200 },
    );
  });
});
