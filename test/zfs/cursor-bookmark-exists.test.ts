import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { setReplicationCursor } from '../../src/zfs/replication-cursor.js';
import type { ZfsContext } from '../../src/zfs/zfs-context.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import { readFixture } from './read-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-bookmark-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('moving a bookmark cursor onto a bookmark that exists', () => {
  it('is no error: a cursor bookmark of the same name marks the same guid (OpenZFS 2.1.11: "bookmark exists")', async () => {
    const zfs = join(dir, 'zfs');
    // The text OpenZFS 2.1.11 printed for `zfs bookmark p1/src@s1 p1/src#b1` run twice.
    await writeFile(zfs, `#!/bin/sh\n[ "$1" = bookmark ] && { echo "cannot create bookmark '$3': bookmark exists" >&2; exit 1; }\nexit 0\n`);
    await chmod(zfs, 0o755);
    const features = featuresFromUsage(readFixture('openzfs-2.1-usage.txt'), ['zfs']);
    const ctx: ZfsContext = { transport: createLocalTransport({ zfsPath: zfs }), features: async () => features, roots: [] };
    const version = { type: 'snapshot' as const, name: 's1', guid: 42n, createTxg: 1n, creation: new Date(0) };
    await expect(setReplicationCursor(ctx, 'p1/src', version, 'job', new AbortController().signal, undefined, true)).resolves.toBeUndefined();
  });
});
