import { describe, expect, it } from 'vitest';
import { EndpointError } from '../../src/domain/errors.js';
import { parseBookmarkList } from '../../src/zfs/parse-bookmark-list.js';
import { parseCursorBookmarkName } from '../../src/endpoint/cursor.js';
import { readFixture } from './read-fixture.js';

const command = ['zfs', 'list', '-t', 'bookmark'];

describe('parseBookmarkList (OpenZFS 2.1, recorded in the VM)', () => {
  const bookmarks = parseBookmarkList(readFixture('openzfs-2.1-list-bookmarks.txt'), command);

  it('parses each bookmark with exact uint64 guid, createtxg and creation', () => {
    expect(bookmarks.map((b) => b.version.name)).toEqual(['manual', expect.stringMatching(/^xrepl_CURSOR_G_[0-9a-f]{16}_J_backup$/)]);
    expect(parseBookmarkList('tank/my docs#b\t18446744073709551615\t4700\t1795600000\n', command)[0]).toEqual({
      filesystem: 'tank/my docs',
      version: { type: 'bookmark', name: 'b', guid: 18446744073709551615n, createTxg: 4700n, creation: new Date(1795600000 * 1000) },
    });
  });

  it('decodes a cursor name to the guid the bookmark itself has, and its job', () => {
    const cursor = bookmarks.find((b) => b.version.name.startsWith('xrepl_CURSOR_G_'));
    expect(cursor?.filesystem).toBe('tank/data');
    expect(parseCursorBookmarkName(cursor?.version.name ?? '')).toEqual({ guid: cursor?.version.guid, jobId: 'backup' });
  });

  it('refuses a row that is not a bookmark', () => {
    expect(() => parseBookmarkList('tank/data@snap\t1\t2\t3\n', command)).toThrow(EndpointError);
    expect(() => parseBookmarkList('tank/data#b\t1\t2\n', command)).toThrow(/4 tab-separated columns/);
  });
});
