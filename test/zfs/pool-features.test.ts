import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { detectFeatures } from '../../src/zfs/detect-features.js';
import { narrowToPools, parsePoolFeatures, poolsOf, probePoolFeatures } from '../../src/zfs/pool-features.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

// `zpool get -Hp -o name,property,value feature@extensible_dataset,feature@bookmarks p1 p2` on
// OpenZFS 2.1.11 (the VM of .ci/openzfs-vm): p1 made by `zpool create`, p2 by `zpool create -d`.
const GET_2_1 = 'p1\tfeature@extensible_dataset\tactive\np1\tfeature@bookmarks\tactive\np2\tfeature@extensible_dataset\tdisabled\np2\tfeature@bookmarks\tdisabled\n';

const signal = (): AbortSignal => new AbortController().signal;
let dir: string;

/** A fake zfs (OpenZFS's recorded usage) with a zpool next to it that prints the given rows. */
async function fakeZfs(name: string, zpoolBody: string): Promise<string> {
  const folder = join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  const usage = fileURLToPath(new URL('./fixtures/openzfs-2.1-usage.txt', import.meta.url));
  await copyFile(usage, join(folder, 'usage.txt'));
  await writeFile(join(folder, 'zfs'), `#!/bin/sh\ntail -n +2 '${join(folder, 'usage.txt')}' >&2\nexit 2\n`);
  await writeFile(join(folder, 'zpool'), `#!/bin/sh\n${zpoolBody}\n`);
  await chmod(join(folder, 'zfs'), 0o755);
  await chmod(join(folder, 'zpool'), 0o755);
  return join(folder, 'zfs');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-pool-features-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pool features', () => {
  it('reads enabled or active features per pool, disabled ones as absent', () => {
    expect(parsePoolFeatures(GET_2_1)).toEqual(
      new Map([
        ['p1', { extensibleDataset: true, bookmarks: true }],
        ['p2', { extensibleDataset: false, bookmarks: false }],
      ]),
    );
  });

  it('resumable receive and bookmark cursors only where every pool of the endpoint has the feature', () => {
    const binary = featuresFromUsage(readFixture('openzfs-2.1-usage.txt'), ['zfs']);
    expect(binary.bookmarks && binary.resumableReceive).toBe(true);
    const pools = parsePoolFeatures(GET_2_1);
    expect(narrowToPools(binary, new Map([['p1', pools.get('p1')!]]))).toMatchObject({ bookmarks: true, resumableReceive: true });
    expect(narrowToPools(binary, pools)).toMatchObject({ bookmarks: false, resumableReceive: false });
    expect(narrowToPools(binary, undefined)).toEqual(binary);
    expect(poolsOf(['p1/a/b', 'p1/c', 'p2'])).toEqual(['p1', 'p2']);
  });

  it('asks the zpool next to zfs about exactly the pools of the endpoint', async () => {
    const zfs = await fakeZfs('args', 'echo "$@" > "$(dirname "$0")/args"; printf "p2\\tfeature@extensible_dataset\\tdisabled\\np2\\tfeature@bookmarks\\tdisabled\\n"');
    const pools = await probePoolFeatures(createLocalTransport({ zfsPath: zfs }), ['p2'], signal());
    expect(pools?.get('p2')).toEqual({ extensibleDataset: false, bookmarks: false });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(join(dir, 'args', 'args'), 'utf8')).trim()).toBe('get -Hp -o name,property,value feature@extensible_dataset,feature@bookmarks p2');
  });

  it('a receiver on a pool without feature@extensible_dataset does not receive with -s; one without feature@bookmarks keeps property cursors', async () => {
    const zfs = await fakeZfs('endpoint', 'printf "old\\tfeature@extensible_dataset\\tdisabled\\nold\\tfeature@bookmarks\\tdisabled\\n"');
    const endpoint = createRawZfsEndpoint({ transport: createLocalTransport({ zfsPath: zfs }), roots: ['old/backup'] });
    expect(await endpoint.capabilities(signal())).toMatchObject({ resumableReceive: false, bookmarks: false, sizeEstimates: true });
  });

  it('a pool whose zpool knows no feature properties (zfs-fuse) has neither feature', async () => {
    const zfs = await fakeZfs('nofeatures', "echo \"bad property list: invalid property 'feature@extensible_dataset'\" >&2; exit 2");
    const pools = await probePoolFeatures(createLocalTransport({ zfsPath: zfs }), ['p'], signal());
    expect(pools?.get('p')).toEqual({ extensibleDataset: false, bookmarks: false });
  });
});

describe('the feature probe is bounded', () => {
  it('a zfs that never answers fails the probe with timeout after its bound', async () => {
    const path = join(dir, 'zfs-hang');
    await writeFile(path, '#!/bin/sh\nexec sleep 1000\n');
    await chmod(path, 0o755);
    // Rejecting with kind timeout (not hanging until the test's limit) is the bound at work.
    await expect(detectFeatures(createLocalTransport({ zfsPath: path }), signal(), 300)).rejects.toMatchObject({ kind: 'timeout', errorClass: 'transient' });
  });

  it('an aborted probe rejects as aborted', async () => {
    const path = join(dir, 'zfs-hang2');
    await writeFile(path, '#!/bin/sh\nexec sleep 1000\n');
    await chmod(path, 0o755);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(detectFeatures(createLocalTransport({ zfsPath: path }), controller.signal)).rejects.toMatchObject({ kind: 'aborted' });
  });
});
