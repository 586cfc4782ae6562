import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { parseBookmarkList } from '../../src/zfs/parse-bookmark-list.js';
import { parseCursorBookmarkName } from '../../src/endpoint/cursor.js';
import { readFixture } from './read-fixture.js';

const command = ['zfs', 'list', '-t', 'bookmark'];

describe('parseBookmarkList (OpenZFS 2.2, reconstructed recording)', () => {
  const bookmarks = parseBookmarkList(readFixture('openzfs-list-bookmarks.txt'), command);

  it('parses each bookmark with exact uint64 guid, createtxg and creation', () => {
    expect(bookmarks).toHaveLength(3);
    expect(bookmarks[1]).toEqual({
      filesystem: 'tank/data',
      version: { type: 'bookmark', name: 'manual', guid: 9223372036854775809n, createTxg: 4700n, creation: new Date(1795600000 * 1000) },
    });
  });

  it('keeps a filesystem name with a space, and cursor names decode to their guid and job', () => {
    expect(bookmarks[2]?.filesystem).toBe('tank/my docs');
    expect(parseCursorBookmarkName(bookmarks[2]?.version.name ?? '')).toEqual({ guid: 255n, jobId: 'backup' });
    expect(parseCursorBookmarkName(bookmarks[0]?.version.name ?? '')?.guid).toBe(0xc0ffee1234567890n);
  });

  it('refuses a row that is not a bookmark', () => {
    expect(() => parseBookmarkList('tank/data@snap\t1\t2\t3\n', command)).toThrow(EndpointError);
    expect(() => parseBookmarkList('tank/data#b\t1\t2\n', command)).toThrow(/4 tab-separated columns/);
  });
});
