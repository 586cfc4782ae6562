import { describe, expect, it } from 'vitest';
import { parseHolds } from '../../src/zfs/parse-holds.js';
import { readFixture } from './read-fixture.js';

describe('parseHolds (OpenZFS 2.2 zfs holds -H, reconstructed recording)', () => {
  it('lists snapshot, tag and timestamp, with spaces in tags and names', () => {
    expect(parseHolds(readFixture('openzfs-holds.txt'), ['zfs', 'holds', '-H'])).toEqual([
      { snapshot: 'tank/data@xrepl_20261126_093000_000', tag: 'xrepl_STEP_J_backup', timestamp: 'Thu Nov 26 09:30 2026' },
      { snapshot: 'tank/data@xrepl_20261126_093000_000', tag: 'keep me', timestamp: 'Thu Nov 26 10:02 2026' },
      { snapshot: 'tank/my docs@s1', tag: 'xrepl_LAST_RECEIVED', timestamp: 'Wed Nov 25 23:59 2026' },
    ]);
  });

  it('refuses zfs-fuse broken holds output', () => {
    expect(() => parseHolds('internal error: /usr/lib/zfs/pyzfs.py not found\n', ['zfs', 'holds', '-H'])).toThrow(/unexpected output/);
  });
});
