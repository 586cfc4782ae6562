/**
 * Cursor moves where the cursor is a bookmark (OpenZFS): zfs-fuse has no bookmarks, so a script
 * stands in for zfs here, logging its arguments and printing a recorded-format bookmark list.
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { cursorBookmarkName } from '../../src/endpoint/cursor.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { setReplicationCursor } from '../../src/zfs/replication-cursor.js';
import { featuresFromUsage } from '../../src/zfs/zfs-features.js';
import type { ZfsContext } from '../../src/zfs/zfs-context.js';
import { readFixture } from './read-fixture.js';

const live = (): AbortSignal => new AbortController().signal;
const snapshot = (name: string, guid: bigint, txg: bigint): FilesystemVersion => ({ type: 'snapshot', name, guid, createTxg: txg, creation: new Date(0) });
const older = snapshot('s1', 0x11n, 10n);
const newer = snapshot('s2', 0x22n, 20n);
const olderCursor: FilesystemVersion = { ...older, type: 'bookmark', name: cursorBookmarkName(older.guid, 'job1') };

describe('bookmark cursor moves', () => {
  let log: string;
  let ctx: ZfsContext;
  const commands = async (): Promise<string[]> => (await readFile(log, 'utf8')).split('\n').filter((l) => l.length > 0);

  beforeEach(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xrepl-cursor-'));
    log = join(dir, 'calls.log');
    await writeFile(log, '');
    const zfs = join(dir, 'zfs');
    // Lists the job's older cursor bookmark (and someone else's) like `zfs list -t bookmark -H -p`.
    const listing = [`tank/fs#${olderCursor.name}\t${older.guid}\t10\t1795685400`, 'tank/fs#manual\t99\t5\t1795685000'].join('\\n');
    await writeFile(zfs, `#!/bin/sh\necho "$*" >> '${log}'\nif [ "$1" = list ]; then printf '${listing}\\n'; fi\nexit 0\n`);
    await chmod(zfs, 0o755);
    const features = featuresFromUsage(readFixture('openzfs-2.1-usage.txt'), ['zfs']);
    ctx = { transport: createLocalTransport({ zfsPath: zfs }), features: async () => features, roots: ['tank'] };
  });

  it('with the previous cursor named, bookmarks the new one and destroys that one only: no listing', async () => {
    await setReplicationCursor(ctx, 'tank/fs', newer, 'job1', live(), olderCursor);
    expect(await commands()).toEqual([`bookmark tank/fs@s2 tank/fs#${cursorBookmarkName(newer.guid, 'job1')}`, `destroy tank/fs#${olderCursor.name}`]);
  });

  it('when the listing showed no cursor, only bookmarks', async () => {
    await setReplicationCursor(ctx, 'tank/fs', newer, 'job1', live(), undefined, true);
    expect(await commands()).toEqual([`bookmark tank/fs@s2 tank/fs#${cursorBookmarkName(newer.guid, 'job1')}`]);
  });

  it('knowing neither, looks the job cursors up and destroys every other one of the job, never a foreign bookmark', async () => {
    await setReplicationCursor(ctx, 'tank/fs', newer, 'job1', live());
    const seen = await commands();
    expect(seen[0]).toBe(`bookmark tank/fs@s2 tank/fs#${cursorBookmarkName(newer.guid, 'job1')}`);
    expect(seen[1]).toMatch(/^list -H -p -t bookmark/);
    expect(seen.slice(2)).toEqual([`destroy tank/fs#${olderCursor.name}`]);
  });

  it('setting the cursor where it already is destroys nothing', async () => {
    const same: FilesystemVersion = { ...newer, type: 'bookmark', name: cursorBookmarkName(newer.guid, 'job1') };
    await setReplicationCursor(ctx, 'tank/fs', newer, 'job1', live(), same);
    expect(await commands()).toHaveLength(1);
  });
});
