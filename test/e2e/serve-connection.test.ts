/**
 * The connection to `xrepl serve` over a real sshd, with the built CLI as the server: aborting a
 * transfer on the active side stops the server's zfs (no zfs process is left on the server side);
 * a dropped connection fails the call in flight as the transient `connection-lost` and the next
 * call logs in again; the daemon keeps one connection between invocations and reconnects when it
 * drops; every invocation makes at most one ssh login (counted in the sshd's log).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { createTestPools, describeWithZfs, mounted, noProcessesLeft, processesMentioning, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { describeWithSshd, startTestSshd, type TestSshd } from '../integration/helpers/sshd.js';
import { runCli, startDaemonProcess, type DaemonProcess } from './daemon-cli.js';
import { ensureBuilt } from './helpers/built-cli.js';
import { forcedServe, sinkAndSourceConfig, remoteOverSsh, snapshotsOf, stdinServerConnect } from './helpers/serve-over-ssh.js';

const pexec = promisify(execFile);

async function versionOf(fs: string, snapshot: string): Promise<FilesystemVersion> {
  const [guid, createTxg, creation] = (await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid,createtxg,creation', `${fs}@${snapshot}`)).split('\n');
  return { type: 'snapshot', name: snapshot, guid: BigInt(guid!), createTxg: BigInt(createTxg!), creation: new Date(Number(creation) * 1000) };
}

// The zfs processes on the server side that touch a dataset (the node server itself is not one).
const zfsTouching = async (dataset: string): Promise<string[]> => (await processesMentioning(dataset)).filter((l) => /\bzfs\b/.test(l));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Kills the server processes (the forced command) of one client: the connection drops as if the network did.
async function killServerOf(client: string): Promise<void> {
  const pids = (await execa('pgrep', ['-f', `serve --stdio --client ${client} `], { reject: false })).stdout.split('\n').filter((p) => /^\d+$/.test(p));
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) await pexec('kill', ['-KILL', pid]).catch(() => undefined);
}

describeWithZfs('the connection to xrepl serve (built CLI, real sshd)', () => {
  describeWithSshd('cancellation, drops and logins', () => {
    let pools: TestPools;
    let sshd: TestSshd;
    let dir: string;
    let cli: string;
    let srv: string;
    let full: Buffer;

    beforeAll(async () => {
      await ensureBuilt();
      pools = await createTestPools(['kcli', 'ksrv']);
      cli = pools.pool('kcli');
      srv = pools.pool('ksrv');
      dir = await mkdtemp(join(tmpdir(), 'xrepl-serve-conn-'));
      for (const fs of [`${cli}/data`, `${cli}/daemon`, `${srv}/clients`, `${srv}/served`]) await sh('zfs', 'create', fs);
      for (const fs of [`${cli}/data`, `${srv}/served`]) {
        await writeFile(join(await mounted(fs), 'big.bin'), randomBytes(8 * 1024 * 1024));
        await sh('zfs', 'snapshot', `${fs}@s1`);
      }
      full = Buffer.from((await execa('zfs', ['send', `${cli}/data@s1`], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })).stdout);
      // A zfs whose receives see their stream only after a while, so a kill lands mid-transfer.
      const slowZfs = join(dir, 'slow-zfs');
      await mkdir(slowZfs);
      await writeFile(join(slowZfs, 'zfs'), `#!/bin/sh\ncase " $* " in *" receive "*|*" recv "*) { sleep 2; cat; } | /usr/sbin/zfs "$@"; exit $?;; esac\nexec /usr/sbin/zfs "$@"\n`, { mode: 0o755 });
      const serverConfig = join(dir, 'serve.yml');
      await writeFile(
        serverConfig,
        sinkAndSourceConfig(`${srv}/clients`, `${srv}/served`),
      );
      sshd = await startTestSshd({
        clients: {
          alice: forcedServe('alice', serverConfig, 'backups'),
          puller: forcedServe('puller', serverConfig, 'export'),
          daemon: forcedServe('daemonhost', serverConfig, 'backups'),
          slow: forcedServe('slowhost', serverConfig, 'backups', slowZfs),
        },
      });
    });
    afterAll(async () => {
      await sshd?.stop();
      await pools?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("aborting a receive on the active side kills the server's zfs receive", async () => {
      const remote = remoteOverSsh(sshd, sshd.identityFiles.alice!, 'sink');
      try {
        // The start of a real stream, then nothing: the server's zfs receive waits for more.
        const stream = new PassThrough();
        stream.write(full.subarray(0, 512 * 1024));
        const controller = new AbortController();
        const receiving = remote.receive({ filesystem: `${cli}/data`, to: await versionOf(`${cli}/data`, 's1'), stream }, controller.signal);
        receiving.catch(() => undefined);
        await waitFor('the server-side zfs receive', async () => ((await zfsTouching(`${srv}/clients/alice`)).length > 0 ? true : undefined));
        controller.abort();
        await expect(receiving).rejects.toMatchObject({ kind: 'aborted' });
        expect(await noProcessesLeft(`${srv}/clients`)).toEqual([]);
        // The connection survives a cancel: the next call is served on it.
        const logins = sshd.logins();
        await remote.listFilesystems(new AbortController().signal);
        expect(sshd.logins()).toBe(logins);
      } finally {
        remote.close();
      }
    });

    it("aborting a send on the active side kills the server's zfs send", async () => {
      const remote = remoteOverSsh(sshd, sshd.identityFiles.puller!, 'source');
      try {
        const controller = new AbortController();
        const stream: Readable = await remote.send({ filesystem: `${srv}/served`, to: await versionOf(`${srv}/served`, 's1') }, controller.signal);
        stream.on('error', () => undefined);
        // Read one chunk, then stop: the window fills and the server's zfs send blocks.
        await new Promise((resolve) => stream.once('data', resolve));
        stream.pause();
        await waitFor('the server-side zfs send', async () => ((await zfsTouching(`${srv}/served`)).length > 0 ? true : undefined));
        controller.abort();
        expect(await noProcessesLeft(`${srv}/served`)).toEqual([]);
      } finally {
        remote.close();
      }
    });

    it('a dropped connection fails the call in flight as connection-lost; the next call logs in again', async () => {
      const remote = remoteOverSsh(sshd, sshd.identityFiles.puller!, 'source');
      try {
        const before = sshd.logins();
        const stream = await remote.send({ filesystem: `${srv}/served`, to: await versionOf(`${srv}/served`, 's1') }, new AbortController().signal);
        const failed = new Promise<unknown>((resolve) => stream.once('error', resolve));
        await new Promise((resolve) => stream.once('data', resolve));
        stream.pause();
        await killServerOf('puller');
        expect(await failed).toMatchObject({ kind: 'connection-lost' });
        expect(await noProcessesLeft(`${srv}/served`)).toEqual([]);
        const listed = await remote.listFilesystems(new AbortController().signal);
        expect(listed.map((f) => f.path)).toEqual([`${srv}/served`]);
        expect(sshd.logins() - before).toBe(2);
      } finally {
        remote.close();
      }
    });

    it('a run whose connection drops mid-transfer retries on a new login and completes', async () => {
      const config = join(dir, 'retry.yml');
      await writeFile(
        config,
        [
          'jobs:',
          '  - name: offsite',
          '    type: push',
          ...stdinServerConnect(sshd, sshd.identityFiles.slow!),
          `    filesystems: { "${cli}/data<": true }`,
          '    root_fs: ignored_by_a_sink',
          '    snapshotting: { type: manual }',
          '    replication: { retry: { max_attempts: 5, initial_delay: 200ms, max_delay: 1s } }',
          '    pruning:',
          '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 10 } ]',
          '      keep_receiver: [ { type: last_n, count: 10 } ]',
          '    watchdog_timeout: 1m',
          '',
        ].join('\n'),
      );
      const before = sshd.logins();
      const running = runCli(['run', '--once', '--json', '--config', config]);
      await waitFor('the server-side zfs receive', async () => ((await zfsTouching(`${srv}/clients/slowhost`)).length > 0 ? true : undefined));
      await killServerOf('slowhost');
      const result = await running;
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout + result.stderr).toMatch(/connection-lost|connection closed/);
      expect(await snapshotsOf(`${srv}/clients/slowhost/${cli}/data`)).toEqual(['s1']);
      expect(sshd.logins() - before).toBe(2);
    });

    it('the daemon keeps one connection between invocations and reconnects when it drops', async () => {
      const socket = join(dir, 'control.sock');
      const config = join(dir, 'daemon.yml');
      await writeFile(
        config,
        [
          'global:',
          `  control: { socket_path: ${JSON.stringify(socket)} }`,
          '  logging: { level: info, format: json }',
          'jobs:',
          '  - name: offsite',
          '    type: push',
          ...stdinServerConnect(sshd, sshd.identityFiles.daemon!),
          `    filesystems: { "${cli}/daemon<": true }`,
          '    root_fs: ignored_by_a_sink',
          '    snapshotting: { type: manual }',
          '    pruning:',
          '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 10 } ]',
          '      keep_receiver: [ { type: last_n, count: 10 } ]',
          '',
        ].join('\n'),
      );
      const received = `${srv}/clients/daemonhost/${cli}/daemon`;
      const invoke = async (snapshot: string): Promise<number> => {
        await sh('zfs', 'snapshot', `${cli}/daemon@${snapshot}`);
        const before = sshd.logins();
        const woken = await runCli(['signal', 'wakeup', 'offsite', '--wait', '--json', '--socket', socket]);
        expect(woken.code, woken.stdout + woken.stderr).toBe(0);
        expect((await snapshotsOf(received)).at(-1)).toBe(snapshot);
        return sshd.logins() - before;
      };
      let daemon: DaemonProcess | undefined;
      try {
        daemon = await startDaemonProcess(['--config', config]);
        const first = await invoke('d1');
        expect(first).toBeLessThanOrEqual(1);
        expect(await invoke('d2')).toBe(0);
        expect(await invoke('d3')).toBe(0);
        await killServerOf('daemonhost');
        expect(await invoke('d4')).toBe(1);
        expect(await invoke('d5')).toBe(0);
      } finally {
        daemon?.child.kill('SIGTERM');
        await daemon?.exited;
      }
    });
  });
});
