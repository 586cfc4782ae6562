/**
 * `xrepl serve` on real OpenZFS: the server runs inside the guest (the host's node and this
 * checkout, shared read-only at the same path) behind a forced command in the guest's
 * authorized_keys, and the built CLI on the host pushes from zfs-fuse into that sink through
 * `connect: ssh+stdinserver`. The client's data lands below root_fs/<client>, full and
 * incremental with guids kept, the sink's floor keeps what the client would prune, and the key
 * reaches no shell.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestPools, mounted, sh, zfsUnavailableReason, type TestPools } from '../integration/helpers/real-zfs.js';
import { CLI, ensureBuilt, xrepl } from '../e2e/helpers/built-cli.js';
import { guestWriteFile } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, guestRun, q, type GuestPools } from './helpers/openzfs-vm.js';

const run = promisify(execFile);

describeOnOpenZfs('a push from the host into a sink served in the guest', (vm) => {
  let host: TestPools;
  let pools: GuestPools;
  let dir: string;
  let key: string;
  let marker: string;
  let data: string;
  let sinkRoot: string;
  let clientConfig: string;
  const serverConfig = `/tmp/xrepl-serve-${randomBytes(4).toString('hex')}.yml`;

  beforeAll(async () => {
    const reason = zfsUnavailableReason();
    if (reason !== undefined) throw new Error(`these tests need zfs-fuse on the host too: ${reason}`);
    await ensureBuilt();
    host = await createTestPools(['vsrc']);
    pools = await createGuestPools(vm(), ['vsink']);
    dir = await mkdtemp(join(tmpdir(), 'xrepl-openzfs-serve-'));
    data = `${host.pool('vsrc')}/data`;
    sinkRoot = `${pools.pool('vsink')}/clients`;
    await sh('zfs', 'create', data);
    await guest(vm(), `zfs create ${q(sinkRoot)}`);
    await guestWriteFile(vm(), serverConfig, Buffer.from(['jobs:', '  - name: backups', '    type: sink', `    root_fs: ${sinkRoot}`, '    retention_floor: [ { type: last_n, count: 2 } ]', ''].join('\n')));
    key = join(dir, 'client_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    // A comment unique to this run, so that only this line is removed afterwards.
    marker = `xrepl-test-${randomBytes(4).toString('hex')}`;
    const pub = (await readFile(`${key}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const forced = `command="${vm().stateDir}/hostbin/node ${CLI} serve --stdio --client hostone --config ${serverConfig} --job backups",restrict ${pub} ${marker}`;
    await guest(vm(), `mkdir -p ~/.ssh && printf '%s\\n' ${q(forced)} >> ~/.ssh/authorized_keys`);
    clientConfig = join(dir, 'client.yml');
    await writeFile(
      clientConfig,
      [
        'jobs:',
        '  - name: to_openzfs',
        '    type: push',
        '    connect:',
        '      type: ssh+stdinserver',
        `      host: ${vm().host}`,
        `      port: ${vm().port}`,
        `      user: ${vm().user}`,
        `      identity_file: ${key}`,
        '      options: [ "StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null", "LogLevel=ERROR", "ServerAliveInterval=15" ]',
        `    filesystems: { "${data}<": true }`,
        '    root_fs: unused_by_a_sink',
        '    snapshotting: { type: periodic, prefix: xrepl_, interval: 10m }',
        '    pruning:',
        '      keep_sender: [ { type: not_replicated }, { type: last_n, count: 1 } ]',
        '      keep_receiver: [ { type: last_n, count: 1 } ]',
        '    watchdog_timeout: 4m',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    if (marker !== undefined) await guestRun(vm(), `sed -i ${q(`/ ${marker}$/d`)} ~/.ssh/authorized_keys`);
    await guestRun(vm(), `rm -f ${q(serverConfig)}`);
    await pools?.destroy();
    await host?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const guestSnapshots = async (fs: string): Promise<string[]> =>
    (await guest(vm(), `zfs list -H -o name -t snapshot -s createtxg -d 1 ${q(fs)}`))
      .split('\n')
      .filter((l) => l.startsWith(`${fs}@`))
      .map((l) => l.slice(fs.length + 1));

  it('lands full and incremental pushes below root_fs/<client> with guids kept; the floor keeps two', async () => {
    const received = `${sinkRoot}/hostone/${data}`;
    for (let i = 0; i < 3; i++) {
      await writeFile(join(await mounted(data), `f${i}.bin`), randomBytes(128 * 1024));
      const r = await xrepl(['run', '--config', clientConfig, '--once', '--json'], { timeoutMs: 280_000 });
      if (r.code !== 0) expect(r.stdout + r.stderr).toMatch(/retention_floor/);
    }
    const snaps = await guestSnapshots(received);
    expect(snaps).toHaveLength(2);
    const newest = snaps.at(-1)!;
    expect((await guest(vm(), `zfs get -Hp -o value guid ${q(`${received}@${newest}`)}`)).trim()).toBe((await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${data}@${newest}`)).trim());
    const names = (await guest(vm(), `zfs list -H -o name -r ${q(pools.pool('vsink'))}`)).split('\n').filter((l) => l.length > 0);
    expect(names.every((n) => n === pools.pool('vsink') || n === sinkRoot || n === `${sinkRoot}/hostone` || n.startsWith(`${sinkRoot}/hostone/`))).toBe(true);
  });

  it('gives the client key no shell: a raw zfs destroy reaches only the protocol server', async () => {
    const before = await guest(vm(), `zfs list -H -o name -t all -r ${q(pools.pool('vsink'))}`);
    // stdin ends at once: the server sees no hello and ends the connection.
    const r = await execa('ssh', ['-i', key, '-p', String(vm().port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${vm().user}@${vm().host}`, `zfs destroy -r ${pools.pool('vsink')}; id`], { input: '', reject: false, timeout: 120_000, encoding: 'utf8' });
    expect(r.stdout).not.toMatch(/uid=\d+/);
    expect(await guest(vm(), `zfs list -H -o name -t all -r ${q(pools.pool('vsink'))}`)).toBe(before);
  });
});
