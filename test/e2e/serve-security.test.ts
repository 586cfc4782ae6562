/**
 * What a client's key can do to an `xrepl serve` machine, tried over a real sshd with the built
 * CLI as the forced command: raw commands and shells get the protocol server, never a shell;
 * hand-made protocol requests outside root_fs/<client> (a sink) or outside the filter (a source),
 * through `..`-like names, range and list syntax, resume tokens, the root placeholder, renames and
 * methods the job does not serve, are refused; a key may use only the job its forced command
 * names. After each, every dataset, snapshot, bookmark, hold count and local property of the
 * server's pool is as it was.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { describeWithSshd, startTestSshd, type TestSshd } from '../integration/helpers/sshd.js';
import { ensureBuilt } from './helpers/built-cli.js';
import { forcedServe, sinkAndSourceConfig, rawSession } from './helpers/serve-over-ssh.js';

// Refused outright, or (a destroy of a valid name that is not there) every name failed.
function expectRefused(answer: { t: string; value?: unknown }, method: string, params: unknown): void {
  const label = `${method} ${JSON.stringify(params)}`;
  if (answer.t !== 'result') {
    expect(answer.t, label).toBe('error');
    return;
  }
  const value = answer.value;
  expect(Array.isArray(value) && value.length > 0 && value.every((r: { error?: unknown }) => r.error !== undefined), label).toBe(true);
}

describeWithZfs('xrepl serve refuses what a client key may not do (built CLI, real sshd)', () => {
  describeWithSshd('a sink and a source behind forced commands', () => {
    let pools: TestPools;
    let sshd: TestSshd;
    let dir: string;
    let srv: string;
    const guid = async (snap: string): Promise<string> => (await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', snap)).trim();
    const version = async (fs: string, name: string): Promise<Record<string, unknown>> => ({ type: 'snapshot', name, guid: await guid(`${fs}@${name}`), createTxg: '1', creation: 0 });

    // Everything a request could change on the server's pool.
    const state = async (): Promise<string> =>
      [
        await sh('zfs', 'list', '-H', '-o', 'name,guid,userrefs', '-t', 'all', '-r', srv),
        await sh('zfs', 'get', '-H', '-p', '-r', '-s', 'local', '-o', 'name,property,value', 'all', srv),
      ].join('\n');

    beforeAll(async () => {
      await ensureBuilt();
      pools = await createTestPools(['ssrv']);
      srv = pools.pool('ssrv');
      dir = await mkdtemp(join(tmpdir(), 'xrepl-serve-security-'));
      for (const fs of ['clients', 'clients/alice', 'clients/alice/tank', 'clients/alice/tank/data', 'clients/bob', 'clients/bob/tank', 'clients/bob/tank/data', 'other', 'served', 'served/a', 'unserved']) {
        await sh('zfs', 'create', `${srv}/${fs}`);
      }
      for (const s of ['a1', 'a2', 'a3']) await sh('zfs', 'snapshot', `${srv}/clients/alice/tank/data@${s}`);
      await sh('zfs', 'snapshot', `${srv}/clients/bob/tank/data@b1`);
      await sh('zfs', 'snapshot', `${srv}/other@precious`);
      for (const s of ['p1', 'p2']) await sh('zfs', 'snapshot', `${srv}/served/a@${s}`);
      await sh('zfs', 'snapshot', `${srv}/unserved@u1`);
      const serverConfig = join(dir, 'serve.yml');
      // No retention floor: what stops a destroy here is confinement, not the floor.
      await writeFile(
        serverConfig,
        sinkAndSourceConfig(`${srv}/clients`, `${srv}/served`),
      );
      sshd = await startTestSshd({
        clients: {
          alice: forcedServe('alice', serverConfig, 'backups'),
          puller: forcedServe('puller', serverConfig, 'export'),
          unscoped: forcedServe('mallory', serverConfig),
        },
      });
    });
    afterAll(async () => {
      await sshd?.stop();
      await pools?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    // ssh with a client key, asking for a command, with a script on stdin.
    const sshWith = async (key: string, args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> => {
      const child = execFile('ssh', ['-o', 'BatchMode=yes', ...sshd.options.flatMap((o) => ['-o', o]), '-i', key, '-p', String(sshd.port), '-l', sshd.user, ...args], {
        timeout: 30_000,
        encoding: 'latin1',
      });
      child.stdin?.end(input);
      return new Promise((resolve) => {
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d: string) => (stdout += d));
        child.stderr?.on('data', (d: string) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    };

    it('runs no raw command and opens no shell for a client key, whatever it asks for', async () => {
      const before = await state();
      const marker = join(dir, 'pwned');
      const attempts: [string[], string[]][] = [
        [[], [`zfs destroy -r ${srv}`]],
        [[], ['sh']],
        [[], ['bash', '-i']],
        [[], ['sh', '-c', `'touch ${marker}; id'`]],
        [['-tt'], ['id']],
        [[], []],
      ];
      for (const [flags, command] of attempts) {
        const r = await sshWith(sshd.identityFiles.alice!, [...flags, '--', sshd.host, ...command], `touch ${marker}\nid\nzfs destroy -r ${srv}\n`);
        expect(r.stdout, command.join(' ')).not.toMatch(/uid=\d+/);
        expect(existsSync(marker), command.join(' ')).toBe(false);
        // What came back is the protocol server's complaint about the bytes it got, on stderr.
        expect(r.stderr, command.join(' ')).not.toMatch(/uid=\d+/);
      }
      // No forwarding either (restrict): a stdio forward to the server's own sshd is refused.
      const forward = await sshWith(sshd.identityFiles.alice!, ['-W', `127.0.0.1:${sshd.port}`, '--', sshd.host], '');
      expect(forward.stdout).not.toMatch(/^SSH-/);
      expect(forward.stderr).toMatch(/prohibited|refused|denied/i);
      expect(await state()).toBe(before);
    });

    it('refuses a key a role its forced command does not name, and an unscoped key on a server with several jobs', async () => {
      const alice = await rawSession(sshd, sshd.identityFiles.alice!, 'source');
      expect(alice.greeting).toMatchObject({ t: 'refused', message: expect.stringMatching(/no source job serves client alice/) });
      alice.close();
      const mallory = await rawSession(sshd, sshd.identityFiles.unscoped!, 'sink');
      expect(mallory.greeting).toMatchObject({ t: 'refused', message: expect.stringMatching(/several jobs .* --job/) });
      mallory.close();
    });

    it("refuses a sink client's hand-made requests outside root_fs/<client>, and changes nothing", async () => {
      const before = await state();
      const b1 = await version(`${srv}/clients/bob/tank/data`, 'b1');
      const a1 = await version(`${srv}/clients/alice/tank/data`, 'a1');
      const s = await rawSession(sshd, sshd.identityFiles.alice!, 'sink');
      expect(s.greeting).toMatchObject({ t: 'welcome', job: 'backups', client: 'alice' });
      const hostile: [string, unknown][] = [
        ['destroySnapshots', { filesystem: '../bob/tank/data', snapshots: ['b1'] }],
        ['destroySnapshots', { filesystem: 'tank/data/../../../bob/tank/data', snapshots: ['b1'] }],
        ['destroySnapshots', { filesystem: `/${srv}/other`, snapshots: ['precious'] }],
        ['destroySnapshots', { filesystem: `${srv}/other`, snapshots: ['precious'] }],
        ['destroySnapshots', { filesystem: '', snapshots: ['a1'] }],
        // zfs's range and list syntax inside one name would destroy more than the name says.
        ['destroySnapshots', { filesystem: 'tank/data', snapshots: ['a1%a3'] }],
        ['destroySnapshots', { filesystem: 'tank/data', snapshots: ['a1,a2'] }],
        ['destroySnapshots', { filesystem: 'tank/data', snapshots: ['%'] }],
        ['destroySnapshots', { filesystem: 'tank/data@a1', snapshots: ['a2'] }],
        ['receive', { filesystem: '../bob/tank/evil', to: b1 }],
        ['receive', { filesystem: '', to: a1 }],
        ['receive', { filesystem: 'tank/data/../../../other', to: a1 }],
        ['abortPartialReceive', { filesystem: '../bob/tank/data' }],
        ['hold', { filesystem: '../bob/tank/data', snapshot: 'b1', tag: 'x' }],
        ['release', { filesystem: '../bob/tank/data', snapshot: 'b1', tag: 'x' }],
        ['setReplicationCursor', { filesystem: '../bob/tank/data', version: b1, jobId: 'j' }],
        ['listVersions', { filesystems: ['../bob/tank/data'] }],
        ['rename', { from: 'tank/data', to: '../bob/tank/mine' }],
        ['destroy', { filesystem: 'tank', recursive: true }],
        ['createSnapshots', { filesystems: ['tank/data'], snapshot: 'x' }],
        ['send', { filesystem: 'tank/data', to: a1 }],
        ['describeResumeToken', { token: '1-deadbeef-20-789c0000' }],
      ];
      for (const [method, params] of hostile) {
        const answer = await s.call(method, params);
        expectRefused(answer, method, params);
        expect(answer.error?.kind ?? 'per-name', `${method} ${JSON.stringify(params)}`).toMatch(/not-allowed|invalid-name|outside-root|unsupported|per-name/);
      }
      // The server still answers: nothing above broke the connection.
      expect((await s.call('listFilesystems', {})).t).toBe('result');
      s.close();
      expect(await state()).toBe(before);
    });

    it("refuses a source client's hand-made requests outside the filter, and changes nothing", async () => {
      const before = await state();
      const u1 = await version(`${srv}/unserved`, 'u1');
      const p1 = await version(`${srv}/served/a`, 'p1');
      const s = await rawSession(sshd, sshd.identityFiles.puller!, 'source');
      expect(s.greeting).toMatchObject({ t: 'welcome', job: 'export', client: 'puller' });
      const hostile: [string, unknown][] = [
        ['send', { filesystem: `${srv}/unserved`, to: u1 }],
        ['send', { filesystem: `${srv}/served/../unserved`, to: u1 }],
        ['send', { filesystem: `${srv}/served/a`, to: p1, resumeToken: '1-deadbeef-20-789c0000' }],
        ['send', { filesystem: `${srv}/served/a`, to: p1, resumeToken: `-t ${srv}/unserved@u1` }],
        ['estimateSendSize', { filesystem: `${srv}/unserved`, to: u1 }],
        ['describeResumeToken', { token: '1-deadbeef-20-789c0000' }],
        ['listVersions', { filesystems: [`${srv}/unserved`] }],
        ['destroySnapshots', { filesystem: `${srv}/unserved`, snapshots: ['u1'] }],
        ['destroySnapshots', { filesystem: `${srv}/other`, snapshots: ['precious'] }],
        ['destroySnapshots', { filesystem: `${srv}/served/a`, snapshots: ['p1%p2'] }],
        ['destroySnapshots', { filesystem: `${srv}/served/a`, snapshots: ['p1,p2'] }],
        ['hold', { filesystem: `${srv}/unserved`, snapshot: 'u1', tag: 'x' }],
        ['release', { filesystem: `${srv}/unserved`, snapshot: 'u1', tag: 'x' }],
        ['setReplicationCursor', { filesystem: `${srv}/unserved`, version: u1, jobId: 'j' }],
        ['receive', { filesystem: `${srv}/served/new`, to: p1 }],
        ['createSnapshots', { filesystems: [`${srv}/served/a`], snapshot: 'x' }],
        ['abortPartialReceive', { filesystem: `${srv}/served/a` }],
        ['rename', { from: `${srv}/served/a`, to: `${srv}/unserved/a` }],
      ];
      for (const [method, params] of hostile) {
        const answer = await s.call(method, params);
        expectRefused(answer, method, params);
        // No answer names what lies outside the filter (unless the request itself did).
        if (!JSON.stringify(params).includes('unserved')) expect(JSON.stringify(answer), method).not.toContain('unserved');
      }
      // The listing holds the filter's filesystems only.
      const listed = (await s.call('listFilesystems', {})) as unknown as { value: { path: string }[] };
      expect(listed.value.map((f) => f.path).sort()).toEqual([`${srv}/served`, `${srv}/served/a`]);
      s.close();
      expect(await state()).toBe(before);
    });

    it('closes the connection on bytes that are not frames, and changes nothing', async () => {
      const before = await state();
      const s = await rawSession(sshd, sshd.identityFiles.alice!, 'sink');
      s.write(Buffer.from(`zfs destroy -r ${srv}\n`));
      await s.closed;
      expect(await state()).toBe(before);
    });
  });
});
