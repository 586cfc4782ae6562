/**
 * Pull and push over a real sshd on loopback: the remote side of each transfer is the zfs
 * endpoint with an ssh transport, the stream travels over ssh's stdin/stdout, and a dataset name
 * with spaces survives the remote shell intact.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { EndpointError } from '../../src/domain/errors.js';
import type { Endpoint } from '../../src/endpoint/endpoint.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createSshTransport } from '../../src/transport/ssh-transport.js';
import { createTestPools, describeWithZfs, mounted, noProcessesLeft, readSnapshotFiles, sh, type TestPools } from './helpers/real-zfs.js';
import { describeWithSshd, startTestSshd, type TestSshd } from './helpers/sshd.js';

const live = (): AbortSignal => new AbortController().signal;

describeWithZfs('zfs endpoint over ssh', () => {
  describeWithSshd('pull and push through a loopback sshd', () => {
    let pools: TestPools;
    let sshd: TestSshd;
    beforeAll(async () => {
      pools = await createTestPools(['src', 'dst']);
      sshd = await startTestSshd();
    });
    afterAll(async () => {
      await sshd?.stop();
      await pools?.destroy();
    });

    const sshTransport = () => createSshTransport({ host: sshd.host, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, options: sshd.options });

    const replicateOnce = async (sender: Endpoint, receiver: Endpoint, fs: string, receivedAt: string): Promise<void> => {
      await writeFile(join(await mounted(fs), 'payload.bin'), randomBytes(512 * 1024));
      await sh('zfs', 'snapshot', `${fs}@s1`);
      const [s1] = (await sender.listVersions([fs], live())).get(fs) ?? [];
      expect(s1?.name).toBe('s1');
      const stream = await sender.send({ filesystem: fs, to: s1! }, live());
      await receiver.receive({ filesystem: fs, to: s1!, stream }, live());
      const [received] = (await receiver.listVersions([fs], live())).get(fs) ?? [];
      expect(received?.guid).toBe(s1!.guid);
      const sent = await readSnapshotFiles(fs, 's1');
      const got = await readSnapshotFiles(receivedAt, 's1');
      expect(got.get('payload.bin')?.equals(sent.get('payload.bin')!)).toBe(true);
      expect(await noProcessesLeft(pools.tag)).toEqual([]);
    };

    it('pulls: the sender is reached over ssh, the receiver is local', async () => {
      const base = `${pools.pool('src')}/pull`;
      const fs = `${base}/with space`;
      await sh('zfs', 'create', '-p', fs);
      const root = `${pools.pool('dst')}/pulled`;
      await sh('zfs', 'create', root);
      const sender = createZfsEndpoint({ role: 'sender', transport: sshTransport(), filter: { matches: (p) => isSameOrBelow(p, base) }, roots: [base] });
      expect(sender.name).toContain('ssh:');
      const receiver = createZfsEndpoint({ role: 'receiver', rootFs: root });
      expect((await sender.listFilesystems(live())).map((f) => f.path)).toEqual([base, fs]);
      await replicateOnce(sender, receiver, fs, `${root}/${fs}`);
    });

    it('pushes: the sender is local, the receiver is reached over ssh', async () => {
      const base = `${pools.pool('src')}/push`;
      const fs = `${base}/a`;
      await sh('zfs', 'create', '-p', fs);
      const root = `${pools.pool('dst')}/pushed`;
      await sh('zfs', 'create', root);
      const sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, base) }, roots: [base] });
      const receiver = createZfsEndpoint({ role: 'receiver', transport: sshTransport(), rootFs: root });
      await replicateOnce(sender, receiver, fs, `${root}/${fs}`);
      const listed = new Map((await receiver.listFilesystems(live())).map((f) => [f.path, f]));
      expect(listed.get(base)?.placeholder).toBe(true);
      expect(listed.get(fs)?.placeholder).toBe(false);
    });

    it('reports an unreachable ssh server as a transient connection-lost error', async () => {
      const transport = createSshTransport({ host: '127.0.0.1', port: 1, options: ['ConnectTimeout=5'] });
      const error = await createZfsEndpoint({ transport }).listFilesystems(live()).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointError);
      expect((error as EndpointError).kind).toBe('connection-lost');
      expect((error as EndpointError).errorClass).toBe('transient');
    });
  });
});
