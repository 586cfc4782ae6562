/**
 * send: and recv: options on real OpenZFS, through the library's job with zfs over ssh into the
 * guest: a raw send of an encrypted filesystem arrives encrypted, its key not loaded and not
 * needed for the next incremental; an encrypted filesystem without send.encrypted, or an
 * unencrypted one under encrypted: true, is refused before anything is received; recv properties
 * override and inherit are what the receiver's filesystem then has; placeholders with
 * placeholder.encryption: off are unencrypted under an encrypted root_fs.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { ReceiveOptions, SendOptions } from '../../src/transfer-options/transfer-options.js';
import { guestMounted, guestWriteFile } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, q, vmTransport, type GuestPools } from './helpers/openzfs-vm.js';

describeOnOpenZfs('send and recv options', (vm) => {
  let pools: GuestPools;
  let src: string;
  let dst: string;
  let keyFile: string;
  beforeAll(async () => {
    pools = await createGuestPools(vm(), ['osrc', 'odst']);
    src = pools.pool('osrc');
    dst = pools.pool('odst');
    keyFile = `/var/tmp/${pools.tag}.key`;
    await guest(vm(), `printf %s ${q('correct horse battery')} > ${q(keyFile)}`);
  });
  afterAll(async () => {
    await pools?.destroy();
    await guest(vm(), `rm -f ${q(keyFile)}`).catch(() => undefined);
  });

  const prop = async (property: string, dataset: string): Promise<string> => (await guest(vm(), `zfs get -H -o value ${property} ${q(dataset)}`)).trim();
  const encryptedFs = async (name: string): Promise<string> => {
    const fs = `${src}/${name}`;
    await guest(vm(), `zfs create -o encryption=on -o keyformat=passphrase -o keylocation=file://${keyFile} ${q(fs)}`);
    return fs;
  };
  const fill = async (fs: string, snapshot: string): Promise<void> => {
    await guestWriteFile(vm(), `${await guestMounted(vm(), fs)}/${snapshot}.bin`, randomBytes(96 * 1024));
    await guest(vm(), `zfs snapshot ${q(`${fs}@${snapshot}`)}`);
  };
  const run = async (name: string, fs: string, root: string, options: { send?: SendOptions; receive?: ReceiveOptions }) => {
    const transport = vmTransport(vm());
    const sender = createZfsEndpoint({ role: 'sender', transport, filter: { matches: (p) => isSameOrBelow(p, fs) }, roots: [fs], send: options.send });
    const receiver = createZfsEndpoint({ role: 'receiver', transport, rootFs: root, createRootFs: true, receive: options.receive });
    const job = createReplicationJob({ name, sender, receiver, watchdogTimeoutMs: 240_000, retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
    try {
      return (await job.runOnce()).last;
    } finally {
      job.stop();
    }
  };

  it('sends an encrypted filesystem raw under send.encrypted: it arrives encrypted, keyless, and takes the next incremental without its key', async () => {
    const fs = await encryptedFs('secret');
    await fill(fs, 's1');
    const root = `${dst}/raw`;
    const first = await run('raw', fs, root, { send: { encrypted: true } });
    expect(first?.ok, JSON.stringify(first?.replication)).toBe(true);
    const replica = `${root}/${fs}`;
    expect(await prop('encryption', replica)).not.toBe('off');
    expect(await prop('encryptionroot', replica)).toBe(replica);
    expect(await prop('keystatus', replica)).toBe('unavailable');
    await fill(fs, 's2');
    const second = await run('raw', fs, root, { send: { encrypted: true } });
    expect(second?.ok, JSON.stringify(second?.replication)).toBe(true);
    expect(await prop('guid', `${replica}@s2`)).toBe(await prop('guid', `${fs}@s2`));
    expect(await prop('keystatus', replica)).toBe('unavailable');
    // The sender's key opens it: the data is the sender's, still encrypted with the sender's key.
    await guest(vm(), `zfs load-key -L file://${keyFile} ${q(replica)}`);
    expect(await prop('keystatus', replica)).toBe('available');
  });

  it('refuses an encrypted filesystem when the job does not say how to send it, and receives nothing', async () => {
    const fs = await encryptedFs('unsaid');
    await fill(fs, 's1');
    const root = `${dst}/unsaid`;
    const report = await run('unsaid', fs, root, {});
    expect(report?.ok).toBe(false);
    const problem = report?.replication?.filesystems.find((f) => f.filesystem === fs)?.problem;
    expect(problem?.message).toMatch(/is encrypted and the job does not say how to send it: set send\.encrypted: true/);
    expect(await guestRun0(`zfs list -H -o name ${q(`${root}/${fs}`)}`)).toBe(false);
  });

  it('refuses an unencrypted filesystem under send.encrypted: true', async () => {
    const fs = `${src}/plain`;
    await guest(vm(), `zfs create ${q(fs)}`);
    await fill(fs, 's1');
    const report = await run('onlyenc', fs, `${dst}/onlyenc`, { send: { encrypted: true } });
    expect(report?.replication?.filesystems.find((f) => f.filesystem === fs)?.problem?.message).toMatch(/is not encrypted, and send\.encrypted: true/);
  });

  it('applies recv.properties: override sets the value on the replica, inherit makes it take the parent’s over the sent one', async () => {
    const fs = `${src}/props`;
    await guest(vm(), `zfs create -o compression=lz4 -o org.example:tag=sender -o org.example:keep=sender ${q(fs)}`);
    await fill(fs, 's1');
    const root = `${dst}/props`;
    await guest(vm(), `zfs create -o org.example:tag=receiver ${q(root)}`);
    const report = await run('props', fs, root, {
      send: { properties: true },
      receive: { override: { compression: 'gzip' }, inherit: ['org.example:tag'] },
    });
    expect(report?.ok, JSON.stringify(report?.replication)).toBe(true);
    const replica = `${root}/${fs}`;
    expect(await prop('compression', replica)).toBe('gzip');
    expect(await prop('org.example:tag', replica)).toBe('receiver');
    // Sent with -p and neither overridden nor inherited: the sender's value.
    expect(await prop('org.example:keep', replica)).toBe('sender');
  });

  it('makes placeholders unencrypted under an encrypted root_fs with placeholder.encryption: off, and the plain stream lands below them', async () => {
    const parent = `${src}/tree`;
    const fs = `${parent}/leaf`;
    await guest(vm(), `zfs create ${q(parent)} && zfs create ${q(fs)}`);
    await fill(fs, 's1');
    const root = `${dst}/encroot`;
    await guest(vm(), `zfs create -o encryption=on -o keyformat=passphrase -o keylocation=file://${keyFile} ${q(root)}`);
    const report = await run('ph', fs, root, { send: { encrypted: false }, receive: { placeholderEncryption: 'off' } });
    expect(report?.ok, JSON.stringify(report?.replication)).toBe(true);
    expect(await prop('xrepl:placeholder', `${root}/${parent}`)).toBe('on');
    expect(await prop('encryption', `${root}/${parent}`)).toBe('off');
    expect(await prop('encryption', `${root}/${src}`)).toBe('off');
    expect(await prop('guid', `${root}/${fs}@s1`)).toBe(await prop('guid', `${fs}@s1`));
  });

  async function guestRun0(command: string): Promise<boolean> {
    return guest(vm(), command).then(
      () => true,
      () => false,
    );
  }
});
