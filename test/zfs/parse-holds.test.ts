import { describe, expect, it } from 'vitest';
import { parseHolds } from '../../src/zfs/parse-holds.js';
import { readFixture } from './read-fixture.js';

describe('parseHolds (OpenZFS 2.1 zfs holds -H, recorded in the VM)', () => {
  it('lists snapshot, tag and timestamp, with spaces in tags and names', () => {
    const holds = parseHolds(readFixture('openzfs-2.1-holds.txt'), ['zfs', 'holds', '-H']);
    expect(holds.map((h) => [h.snapshot, h.tag])).toEqual([
      ['tank/data@xrepl_20261202_090000_000', 'keep'],
      ['tank/my docs@s1', 'keep me'],
    ]);
    for (const h of holds) expect(h.timestamp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d \d{4}$/);
  });

  it('refuses zfs-fuse broken holds output', () => {
    expect(() => parseHolds('internal error: /usr/lib/zfs/pyzfs.py not found\n', ['zfs', 'holds', '-H'])).toThrow(/unexpected output/);
  });
});
