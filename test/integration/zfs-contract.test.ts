/**
 * The Endpoint contract suite on real zfs-fuse pools: a filtered sender on one pool, a rooted
 * receiver on another, both the real zfs endpoint running local zfs commands.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import { cursorPropertyName, PLACEHOLDER_PROPERTY } from '../../src/endpoint/cursor.js';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { endpointContract, type EndpointFixture } from '../endpoint/contract.js';
import { createTestPools, describeWithZfs, mounted, readFiles, readSnapshotFiles, sh, type TestPools } from './helpers/real-zfs.js';

describeWithZfs('zfs endpoint on zfs-fuse pools', () => {
  let pools: TestPools;
  beforeAll(async () => {
    pools = await createTestPools(['src', 'dst']);
  });
  afterAll(async () => {
    await pools?.destroy();
  });

  endpointContract('zfs (local)', async (): Promise<EndpointFixture> => {
    const id = randomBytes(3).toString('hex');
    const base = `${pools.pool('src')}/c${id}`;
    const receiverRoot = `${pools.pool('dst')}/r${id}`;
    await sh('zfs', 'create', base);
    await sh('zfs', 'create', receiverRoot);
    const sender = createZfsEndpoint({ role: 'sender', filter: { matches: (p) => isSameOrBelow(p, base) }, roots: [base] });
    const receiver = createZfsEndpoint({ role: 'receiver', rootFs: receiverRoot });
    const local = (side: 'sender' | 'receiver', path: string): string => (side === 'sender' ? path : `${receiverRoot}/${path}`);
    return {
      sender,
      receiver,
      base,
      receiverRoot,
      async createFilesystem(path) {
        await sh('zfs', 'create', '-p', path);
      },
      async write(path, file, bytes) {
        await writeFile(join(await mounted(path), file), bytes);
      },
      async remove(path, file) {
        await rm(join(await mounted(path), file));
      },
      async snapshot(path, name) {
        await sh('zfs', 'snapshot', `${path}@${name}`);
      },
      async readContent(side, path, snapshot) {
        const fs = local(side, path);
        return snapshot === undefined ? readFiles(await mounted(fs)) : readSnapshotFiles(fs, snapshot);
      },
      async cursorMarks(path, jobId) {
        const out = await sh('zfs', 'get', '-H', '-d', '1', '-s', 'local', '-o', 'name', cursorPropertyName(jobId), path);
        return out.split('\n').filter((l) => l.length > 0).map((l) => l.slice(l.indexOf('@') + 1));
      },
      async createOnReceiverPool(localPath, kind) {
        const parent = localPath.slice(0, localPath.lastIndexOf('/'));
        await sh('zfs', 'create', '-p', parent);
        if (kind.placeholder) await sh('zfs', 'create', '-o', 'canmount=off', '-o', `${PLACEHOLDER_PROPERTY}=on`, localPath);
        else {
          await sh('zfs', 'create', localPath);
          await writeFile(join(await mounted(localPath), kind.file), kind.bytes);
        }
      },
      receiverRootedAt(localRoot, rooted) {
        return createZfsEndpoint({ role: 'receiver', rootFs: localRoot, ...rooted });
      },
      async receiverPoolFilesystems() {
        return (await sh('zfs', 'list', '-H', '-o', 'name', '-r', pools.pool('dst'))).split('\n').filter((l) => l.length > 0);
      },
      async cleanup() {
        // Each test has its own base and root, and the pools go in afterAll; a tree that was just
        // mounted can stay busy for a moment (ZFS.md), so a few tries, then leave it to afterAll.
        for (const fs of [base, receiverRoot]) {
          for (let i = 0; i < 6; i++) {
            if (await sh('zfs', 'destroy', '-r', fs).then(() => true, () => false)) break;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      },
    };
  });
});
