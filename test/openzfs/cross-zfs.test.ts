/**
 * Replication between the host's zfs-fuse (pool version 23) and the guest's OpenZFS, push and
 * pull, through the library's job: which directions the stream formats allow, and that a refused
 * direction fails with a clear problem and leaves nothing behind on the receiver.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { createTestPools, mounted, sh, zfsUnavailableReason, type TestPools } from '../integration/helpers/real-zfs.js';
import { guestMounted } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, q, vmTransport, type GuestPools } from './helpers/openzfs-vm.js';

describeOnOpenZfs('between zfs-fuse and OpenZFS', (vm) => {
  let host: TestPools;
  let pools: GuestPools;
  beforeAll(async () => {
    const reason = zfsUnavailableReason();
    if (reason !== undefined) throw new Error(`these tests need zfs-fuse on the host too: ${reason}`);
    host = await createTestPools(['xsrc', 'xdst']);
    pools = await createGuestPools(vm(), ['xsrc', 'xdst']);
  });
  afterAll(async () => {
    await pools?.destroy();
    await host?.destroy();
  });

  const runOnce = async (name: string, options: Parameters<typeof createReplicationJob>[0]) => {
    const job = createReplicationJob({ ...options, name, watchdogTimeoutMs: 120_000, retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
    try {
      return (await job.runOnce()).last;
    } finally {
      job.stop();
    }
  };

  it('pushes from zfs-fuse to OpenZFS: full and incremental, guids kept', async () => {
    const fs = `${host.pool('xsrc')}/push${randomBytes(2).toString('hex')}`;
    const root = `${pools.pool('xdst')}/frompush`;
    await sh('zfs', 'create', fs);
    await guest(vm(), `zfs create ${q(root)}`);
    await writeFile(join(await mounted(fs), 'a.bin'), randomBytes(200 * 1024));
    await sh('zfs', 'snapshot', `${fs}@s1`);
    const sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, fs) }, roots: [fs] });
    const receiver = createZfsEndpoint({ role: 'receiver', transport: vmTransport(vm()), rootFs: root });
    const first = await runOnce('push', { name: 'push', sender, receiver });
    expect(first?.ok, JSON.stringify(first?.replication)).toBe(true);
    await writeFile(join(await mounted(fs), 'b.bin'), randomBytes(100 * 1024));
    await sh('zfs', 'snapshot', `${fs}@s2`);
    const second = await runOnce('push', { name: 'push', sender, receiver });
    expect(second?.ok, JSON.stringify(second?.replication)).toBe(true);
    const hostGuid = (await sh('zfs', 'get', '-Hp', '-o', 'value', 'guid', `${fs}@s2`)).trim();
    expect((await guest(vm(), `zfs get -Hp -o value guid ${q(`${root}/${fs}@s2`)}`)).trim()).toBe(hostGuid);
  });

  it('pulls from OpenZFS to zfs-fuse: refused as an unsupported stream feature, naming the fix, with nothing left behind', async () => {
    const fs = `${pools.pool('xsrc')}/pull${randomBytes(2).toString('hex')}`;
    const root = `${host.pool('xdst')}/frompull`;
    await guest(vm(), `zfs create ${q(fs)}`);
    await guest(vm(), `head -c 200000 /dev/urandom > ${q(`${await guestMounted(vm(), fs)}/a.bin`)} && zfs snapshot ${q(`${fs}@s1`)}`);
    await sh('zfs', 'create', root);
    const sender = createZfsEndpoint({ role: 'sender', transport: vmTransport(vm()), filter: { matches: (p) => isSameOrBelow(p, fs) }, roots: [fs] });
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
    const report = await runOnce('pull', { name: 'pull', sender, receiver });
    expect(report?.ok).toBe(false);
    const problem = report?.replication?.filesystems.find((f) => f.filesystem === fs)?.problem;
    expect(problem?.kind).toBe('unsupported');
    expect(problem?.errorClass).toBe('permanent');
    expect(problem?.message).toMatch(/unsupported feature.*equal or newer zfs/s);
    expect(await sh('zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', root)).not.toContain('@s1');
  });
});
