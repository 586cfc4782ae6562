/**
 * `xrepl serve` as operators deploy it: a real sshd on loopback whose authorized_keys line forces
 * the built CLI's `serve --stdio --client prod1` for the client's key, a sink on zfs-fuse pools,
 * and a push job of the built CLI reaching it through `connect: ssh+stdinserver`. The client's data
 * lands below the sink's root_fs/prod1, and the sink's append-only floor keeps every snapshot
 * whatever the client's keep rules ask.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, describeWithZfs, mounted, sh, type TestPools } from '../integration/helpers/real-zfs.js';
import { describeWithSshd, startTestSshd, type TestSshd } from '../integration/helpers/sshd.js';
import { ensureBuilt, xrepl } from './helpers/built-cli.js';
import { forcedServe, snapshotsOf, stdinServerConnect } from './helpers/serve-over-ssh.js';

describeWithZfs('xrepl serve behind an ssh forced command (built CLI)', () => {
  describeWithSshd('push into a sink through ssh+stdinserver', () => {
    let pools: TestPools;
    let sshd: TestSshd;
    let dir: string;
    let clientConfig: string;
    let data: string;
    let sinkRoot: string;

    beforeAll(async () => {
      await ensureBuilt();
      pools = await createTestPools(['vsrc', 'vdst']);
      dir = await mkdtemp(join(tmpdir(), 'xrepl-serve-'));
      data = `${pools.pool('vsrc')}/data`;
      sinkRoot = `${pools.pool('vdst')}/clients`;
      await sh('zfs', 'create', data);
      await sh('zfs', 'create', sinkRoot);
      const serverConfig = join(dir, 'serve.yml');
      await writeFile(
        serverConfig,
        ['jobs:', '  - name: backups', '    type: sink', `    root_fs: ${sinkRoot}`, '    append_only: true', ''].join('\n'),
      );
      sshd = await startTestSshd({ keyOptions: forcedServe('prod1', serverConfig) });
      clientConfig = join(dir, 'client.yml');
      await writeFile(
        clientConfig,
        [
          'jobs:',
          '  - name: offsite',
          '    type: push',
          ...stdinServerConnect(sshd, sshd.identityFile),
          `    filesystems: { "${data}<": true }`,
          '    root_fs: ignored_by_a_sink',
          '    snapshotting: { type: periodic, prefix: srv_, interval: 10m }',
          '    pruning:',
          '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 1 } ]',
          '      keep_receiver: [ { type: last_n, count: 1 } ]',
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

    it('lands the client data below root_fs/<client>, and the append-only floor keeps what the client would prune', async () => {
      await writeFile(join(await mounted(data), 'a.bin'), randomBytes(128 * 1024));
      const first = await xrepl(['run', '--config', clientConfig, '--once', '--json'], { timeoutMs: 120_000 });
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const received = `${sinkRoot}/prod1/${data}`;
      const [snap1] = await snapshotsOf(received);
      expect(snap1).toMatch(/^srv_/);
      expect((await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${received}@${snap1!}`)).trim()).toBe(
        (await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${data}@${snap1!}`)).trim(),
      );

      await writeFile(join(await mounted(data), 'b.bin'), randomBytes(64 * 1024));
      const second = await xrepl(['run', '--config', clientConfig, '--once', '--json'], { timeoutMs: 120_000 });
      // keep_receiver last_n 1 asks the sink to destroy the older snapshot; the floor refuses it.
      const after = await snapshotsOf(received);
      expect(after).toHaveLength(2);
      expect(after[0]).toBe(snap1);
      expect(second.stdout + second.stderr).toMatch(/append|floor|not-allowed/i);
      // Nothing of the client's landed outside its own folder.
      const all = (await sh('zfs', 'list', '-H', '-o', 'name', '-r', pools.pool('vdst'))).split('\n').filter((l) => l.length > 0);
      expect(all.every((n) => n === pools.pool('vdst') || n === sinkRoot || n.startsWith(`${sinkRoot}/prod1`))).toBe(true);
    });
  });
});
