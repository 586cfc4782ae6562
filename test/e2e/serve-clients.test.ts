/**
 * One `xrepl serve` machine as operators deploy it, with the built CLI on both sides and a real
 * sshd on loopback: a sink serving two clients (alice, bob), each key forced into
 * `serve --client NAME --job backups`, and a source job serving a puller exactly its filter.
 * Each client's data lands below root_fs/<client> and neither sees the other's names; pruning goes
 * through both (the sink's retention floor winning over a client's keep rules, the source
 * destroying what the puller's keep_sender lets go, within its filter); each run logs in once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, mounted, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { describeWithSshd, startTestSshd, type TestSshd } from '../integration/helpers/sshd.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';
import { forcedServe, sinkAndSourceConfig, namesBelow, remoteOverSsh, snapshotsOf, stdinServerConnect } from './helpers/serve-over-ssh.js';

const signal = (): AbortSignal => new AbortController().signal;

describeWithZfs('xrepl serve: a sink for two clients and a source for a puller (built CLI, real sshd)', () => {
  describeWithSshd('two clients push into one sink, a puller pulls from a source', () => {
    let pools: TestPools;
    let sshd: TestSshd;
    let dir: string;
    let cli: string;
    let srv: string;
    const config: Record<'alice' | 'bob' | 'puller', string> = { alice: '', bob: '', puller: '' };

    beforeAll(async () => {
      await ensureBuilt();
      pools = await createTestPools(['ccli', 'csrv']);
      cli = pools.pool('ccli');
      srv = pools.pool('csrv');
      dir = await mkdtemp(join(tmpdir(), 'xrepl-serve-clients-'));
      for (const fs of [`${cli}/alice_data`, `${cli}/alice_data/child`, `${cli}/bob_secret_name`, `${cli}/pulled`, `${srv}/clients`, `${srv}/served`, `${srv}/served/a`, `${srv}/unserved`]) {
        await sh('zfs', 'create', fs);
      }
      for (const s of ['p1', 'p2', 'p3']) {
        await writeFile(join(await mounted(`${srv}/served/a`), `${s}.bin`), randomBytes(32 * 1024));
        await sh('zfs', 'snapshot', '-r', `${srv}/served@${s}`);
      }
      await sh('zfs', 'snapshot', `${srv}/unserved@keep_me`);
      const serverConfig = join(dir, 'serve.yml');
      await writeFile(
        serverConfig,
        sinkAndSourceConfig(`${srv}/clients`, `${srv}/served`, 'retention_floor: [ { type: last_n, count: 2 } ]'),
      );
      sshd = await startTestSshd({
        clients: {
          alice: forcedServe('alice', serverConfig, 'backups'),
          bob: forcedServe('bob', serverConfig, 'backups'),
          puller: forcedServe('puller', serverConfig, 'export'),
        },
      });
      const push = (client: 'alice' | 'bob', fs: string): string[] => [
        'jobs:',
        `  - name: ${client}_offsite`,
        '    type: push',
        ...stdinServerConnect(sshd, sshd.identityFiles[client]!),
        `    filesystems: { "${fs}<": true }`,
        '    root_fs: ignored_by_a_sink',
        '    snapshotting: { type: periodic, prefix: xrepl_, interval: 10m }',
        '    pruning:',
        '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 1 } ]',
        // The client asks the sink to keep only the newest; the sink's floor keeps two.
        '      keep_receiver: [ { type: last_n, count: 1 } ]',
        '    watchdog_timeout: 1m',
        '',
      ];
      config.alice = join(dir, 'alice.yml');
      config.bob = join(dir, 'bob.yml');
      config.puller = join(dir, 'puller.yml');
      await writeFile(config.alice, push('alice', `${cli}/alice_data`).join('\n'));
      await writeFile(config.bob, push('bob', `${cli}/bob_secret_name`).join('\n'));
      await writeFile(
        config.puller,
        [
          'jobs:',
          '  - name: mirror',
          '    type: pull',
          ...stdinServerConnect(sshd, sshd.identityFiles.puller!),
          `    filesystems: { "${srv}/served<": true }`,
          `    root_fs: ${cli}/pulled`,
          '    snapshotting: { type: manual }',
          '    replication: { initial_replication: all }',
          '    pruning:',
          // The puller's sender pruning destroys on the source: all but the newest.
          '      keep_sender: [ { type: last_n, count: 1 } ]',
          '      keep_receiver: [ { type: last_n, count: 10 } ]',
          '    watchdog_timeout: 1m',
          '',
        ].join('\n'),
      );
    });
    afterAll(async () => {
      await sshd?.stop();
      await pools?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    // One run of the built CLI; returns how many ssh logins it made.
    const run = async (who: keyof typeof config): Promise<number> => {
      const before = sshd.logins();
      const r = await xrepl(['run', '--config', config[who], '--once', '--json'], { timeoutMs: 120_000 });
      // A destroy the floor refused makes the run report a problem; everything else must succeed.
      if (r.code !== 0) expect(r.stdout + r.stderr, `${who}: ${r.stdout}${r.stderr}`).toMatch(/retention_floor/);
      await expect.poll(() => sshd.logins() - before).toBeGreaterThan(0);
      return sshd.logins() - before;
    };

    it("lands each client's filesystems below root_fs/<client>, the floor keeping two where the client asks for one; one login per run", async () => {
      const alice = `${srv}/clients/alice/${cli}/alice_data`;
      for (let i = 0; i < 3; i++) {
        await writeFile(join(await mounted(`${cli}/alice_data`), `f${i}.bin`), randomBytes(64 * 1024));
        expect(await run('alice')).toBe(1);
      }
      expect(await run('bob')).toBe(1);
      const sent = await snapshotsOf(`${cli}/alice_data`);
      const received = await snapshotsOf(alice);
      // Three runs made three snapshots; the client's keep_receiver asked for one, the floor kept two.
      expect(received).toHaveLength(2);
      expect(received.at(-1)).toBe(sent.at(-1));
      expect(await snapshotsOf(`${alice}/child`)).toEqual(received);
      expect((await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${alice}@${received.at(-1)!}`)).trim()).toBe(
        (await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${cli}/alice_data@${sent.at(-1)!}`)).trim(),
      );
      // Each client's data is below its own folder and nowhere else.
      const below = (await namesBelow(`${srv}/clients`)).filter((n) => n !== `${srv}/clients`);
      expect(below.every((n) => n.startsWith(`${srv}/clients/alice/`) || n.startsWith(`${srv}/clients/bob/`) || n === `${srv}/clients/alice` || n === `${srv}/clients/bob`)).toBe(true);
      expect(below.some((n) => n.startsWith(`${srv}/clients/bob/${cli}/bob_secret_name@`))).toBe(true);
    });

    it("a client sees only its own names and cannot touch the other's data", async () => {
      const alice = remoteOverSsh(sshd, sshd.identityFiles.alice!, 'sink');
      try {
        const listing = await alice.listAll!('alice_offsite', signal());
        const text = JSON.stringify([...listing.filesystems, ...listing.versions.entries()], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
        expect(listing.filesystems.map((f) => f.path)).toContain(`${cli}/alice_data/child`);
        expect(text).not.toContain('bob');
        // bob's path, named in alice's namespace, is nothing of bob's: it is not there.
        const bobPath = `${cli}/bob_secret_name`;
        expect((await alice.listVersions([bobPath], signal())).get(bobPath) ?? []).toEqual([]);
        const before = await namesBelow(`${srv}/clients/bob`);
        const bobSnap = (await snapshotsOf(`${srv}/clients/bob/${bobPath}`))[0]!;
        // Whatever alice asks with bob's names reaches her own namespace only: bob's data stays as it was.
        await alice.destroySnapshots(bobPath, [bobSnap], signal()).catch(() => undefined);
        await alice.hold(bobPath, bobSnap, 'x', signal()).catch(() => undefined);
        expect(await namesBelow(`${srv}/clients/bob`)).toEqual(before);
        expect((await sh('zfs', 'get', '-H', '-o', 'value', 'userrefs', `${srv}/clients/bob/${bobPath}@${bobSnap}`)).trim()).toBe('0');
        // A sink serves no sends: alice cannot read data back, not even her own.
        const own = (await alice.listVersions([`${cli}/alice_data`], signal())).get(`${cli}/alice_data`)!.find((v) => v.type === 'snapshot')!;
        await expect(alice.send({ filesystem: `${cli}/alice_data`, to: own }, signal())).rejects.toMatchObject({ kind: 'not-allowed' });
      } finally {
        alice.close();
      }
    });

    it('a puller pulls exactly the source filter and its sender pruning destroys on the source within it; one login', async () => {
      expect(await run('puller')).toBe(1);
      const pulled = `${cli}/pulled/${srv}/served/a`;
      expect(await snapshotsOf(pulled)).toEqual(['p1', 'p2', 'p3']);
      // keep_sender last_n 1 pruned the source's served filesystems, not the unserved one.
      expect(await snapshotsOf(`${srv}/served/a`)).toEqual(['p3']);
      expect(await snapshotsOf(`${srv}/served`)).toEqual(['p3']);
      expect(await snapshotsOf(`${srv}/unserved`)).toEqual(['keep_me']);
      expect((await namesBelow(`${cli}/pulled`)).some((n) => n.includes('unserved'))).toBe(false);
      // The source's listing holds the filter's filesystems only.
      const puller = remoteOverSsh(sshd, sshd.identityFiles.puller!, 'source');
      try {
        expect((await puller.listFilesystems(signal())).map((f) => f.path).sort()).toEqual([`${srv}/served`, `${srv}/served/a`]);
      } finally {
        puller.close();
      }
    });
  });
});
