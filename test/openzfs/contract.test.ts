/**
 * The Endpoint contract suite on real OpenZFS (2.1 and 2.3, in the VMs of .ci/openzfs-vm): a
 * filtered sender on one pool and a rooted receiver on another, both the real zfs endpoint reaching
 * the guest over the ssh transport.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { PLACEHOLDER_PROPERTY } from '../../src/endpoint/cursor.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { endpointContract, type EndpointFixture } from '../endpoint/contract.js';
import { guestMounted, guestReadFiles, guestReadSnapshotFiles, guestWriteFile } from './helpers/guest-files.js';
import { createGuestPools, describeOnOpenZfs, guest, guestRun, q, vmTransport, type GuestPools } from './helpers/openzfs-vm.js';

describeOnOpenZfs('zfs endpoint over ssh', (vm) => {
  let pools: GuestPools;
  beforeAll(async () => {
    pools = await createGuestPools(vm(), ['src', 'dst']);
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  endpointContract('zfs (ssh into OpenZFS)', async (): Promise<EndpointFixture> => {
    const id = randomBytes(3).toString('hex');
    const base = `${pools.pool('src')}/c${id}`;
    const receiverRoot = `${pools.pool('dst')}/r${id}`;
    await guest(vm(), `zfs create ${q(base)} && zfs create ${q(receiverRoot)}`);
    const sender = createZfsEndpoint({ role: 'sender', transport: vmTransport(vm()), filter: { matches: (p) => isSameOrBelow(p, base) }, roots: [base] });
    const receiver = createZfsEndpoint({ role: 'receiver', transport: vmTransport(vm()), rootFs: receiverRoot });
    const local = (side: 'sender' | 'receiver', path: string): string => (side === 'sender' ? path : `${receiverRoot}/${path}`);
    return {
      sender,
      receiver,
      base,
      receiverRoot,
      async createFilesystem(path) {
        await guest(vm(), `zfs create -p ${q(path)}`);
      },
      async write(path, file, bytes) {
        await guestWriteFile(vm(), `${await guestMounted(vm(), path)}/${file}`, bytes);
      },
      async remove(path, file) {
        await guest(vm(), `rm ${q(`${await guestMounted(vm(), path)}/${file}`)}`);
      },
      async snapshot(path, name) {
        await guest(vm(), `zfs snapshot ${q(`${path}@${name}`)}`);
      },
      async readContent(side, path, snapshot) {
        const fs = local(side, path);
        if (snapshot !== undefined) return guestReadSnapshotFiles(vm(), fs, snapshot);
        return guestReadFiles(vm(), await guestMounted(vm(), fs, { readOnly: side === 'receiver' }));
      },
      async createOnReceiverPool(localPath, kind) {
        const parent = localPath.slice(0, localPath.lastIndexOf('/'));
        await guest(vm(), `zfs create -p ${q(parent)}`);
        if (kind.placeholder) await guest(vm(), `zfs create -o canmount=off -o ${PLACEHOLDER_PROPERTY}=on ${q(localPath)}`);
        else {
          await guest(vm(), `zfs create ${q(localPath)}`);
          await guestWriteFile(vm(), `${await guestMounted(vm(), localPath)}/${kind.file}`, kind.bytes);
        }
      },
      receiverRootedAt(localRoot, rooted) {
        return createZfsEndpoint({ role: 'receiver', transport: vmTransport(vm()), rootFs: localRoot, ...rooted });
      },
      async receiverPoolFilesystems() {
        return (await guest(vm(), `zfs list -H -o name -r ${q(pools.pool('dst'))}`)).split('\n').filter((l) => l.length > 0);
      },
      async cleanup() {
        await guestRun(vm(), `zfs destroy -r ${q(base)}; zfs destroy -r ${q(receiverRoot)}`);
      },
    };
  });
});
