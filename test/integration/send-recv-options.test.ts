/**
 * send: and recv: options on real zfs-fuse pools, through the job as the CLI builds it: what
 * zfs-fuse has (`send -p`, unencrypted placeholders) works, and what it lacks (`send -w -c -L -e -b`,
 * `receive -o -x`) fails each filesystem with a problem naming the option, before zfs receive ran.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { ReceiveOptions, SendOptions } from '../../src/transfer-options/transfer-options.js';
import { withBandwidthLimits } from '../../src/transfer-options/bandwidth-limited-endpoints.js';
import { createTestPools, describeWithZfs, mounted, readSnapshotFiles, sh, type TestPools } from './helpers/real-zfs.js';

describeWithZfs('send and recv options on zfs-fuse', () => {
  let pools: TestPools;
  let data: string;
  let backup: string;

  beforeAll(async () => {
    pools = await createTestPools(['osrc', 'odst']);
    data = `${pools.pool('osrc')}/data`;
    backup = `${pools.pool('odst')}/backup`;
    await sh('zfs', 'create', data);
    await sh('zfs', 'create', backup);
    await sh('zfs', 'snapshot', `${data}@s1`);
    for (const c of ['a', 'b']) {
      await sh('zfs', 'create', `${data}/${c}`);
      await writeFile(join(await mounted(`${data}/${c}`), 'payload.bin'), randomBytes(64 * 1024));
      await sh('zfs', 'snapshot', `${data}/${c}@s1`);
    }
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  const run = async (name: string, root: string, options: { send?: SendOptions; receive?: ReceiveOptions; placeholderFilter?: boolean }) => {
    const sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, data) }, roots: [data], send: options.send });
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root, createRootFs: true, receive: options.receive });
    const endpoints = withBandwidthLimits({ sender, receiver }, { send: { bytesPerSecond: 64 * 2 ** 20, burstBytes: 2 ** 20 } });
    const job = createReplicationJob({ name, ...endpoints, initialReplication: 'all', keepSender: [{ type: 'last_n', count: 10 }], keepReceiver: [{ type: 'last_n', count: 10 }] });
    return (await job.runOnce()).last;
  };

  it('sends with send_properties (-p): a user property of the sender arrives, and the data byte for byte', async () => {
    await sh('zfs', 'set', 'org.example:tag=from-sender', `${data}/a`);
    const root = `${backup}/p`;
    const report = await run('props', root, { send: { properties: true } });
    expect(report?.ok, JSON.stringify(report?.replication, null, 1)).toBe(true);
    expect((await sh('zfs', 'get', '-H', '-o', 'value', 'org.example:tag', `${root}/${data}/a`)).trim()).toBe('from-sender');
    const sent = await readSnapshotFiles(`${data}/a`, 's1');
    const received = await readSnapshotFiles(`${root}/${data}/a`, 's1');
    expect(received.get('payload.bin')?.equals(sent.get('payload.bin') ?? Buffer.alloc(0))).toBe(true);
  });

  it('makes placeholders with placeholder.encryption: off as plain ones (zfs-fuse has no encryption)', async () => {
    const root = `${backup}/ph`;
    const report = await run('placeholder', root, { receive: { placeholderEncryption: 'off' } });
    expect(report?.ok, JSON.stringify(report?.replication, null, 1)).toBe(true);
    // The sender's pool is the one level above data that only a placeholder stands for.
    expect((await sh('zfs', 'get', '-H', '-o', 'value', 'xrepl:placeholder', `${root}/${pools.pool('osrc')}`)).trim()).toBe('on');
  });

  for (const [option, send, named] of [
    ['raw', { raw: true }, 'raw (zfs send -w)'],
    ['encrypted', { encrypted: true }, 'encrypted (zfs send -w)'],
    ['compressed', { compressed: true, largeBlocks: true }, 'large_blocks (zfs send -L), compressed (zfs send -c)'],
  ] as const) {
    it(`fails each filesystem naming ${option}, which zfs-fuse lacks, and receives nothing`, async () => {
      const root = `${backup}/s-${option}`;
      const report = await run(`send-${option}`, root, { send });
      expect(report?.ok).toBe(false);
      const problems = report?.replication?.filesystems.map((f) => f.problem?.message) ?? [];
      expect(problems).toHaveLength(3);
      for (const message of problems) expect(message).toContain(`has no ${named}`);
      expect(await sh('zfs', 'list', '-H', '-t', 'snapshot', '-o', 'name', '-r', root).catch(() => '')).toBe('');
    });
  }

  it('fails each filesystem naming recv.properties, which zfs-fuse cannot receive (-o, -x), and creates nothing below the root', async () => {
    const root = `${backup}/r`;
    await sh('zfs', 'create', root);
    const report = await run('recv-props', root, { receive: { override: { compression: 'on' }, inherit: ['mountpoint'] } });
    expect(report?.ok).toBe(false);
    for (const f of report?.replication?.filesystems ?? []) {
      expect(f.problem?.message).toContain('has no recv.properties.override (zfs receive -o), recv.properties.inherit (zfs receive -x)');
    }
    expect((await sh('zfs', 'list', '-H', '-o', 'name', '-r', root)).trim()).toBe(root);
  });
});
