import { describe, expect, it } from 'vitest';
import { keepGrid } from '../../src/pruning/grid.js';
import { HOUR, MINUTE, SECOND, nameSet, names, snap } from './snapshots.js';

describe('keepGrid', () => {
  it('destroys snapshots that do not match its regex', () => {
    const snaps = [snap('zrepl_1', 0), snap('manual', -1 * MINUTE), snap('zrepl_2', -2 * HOUR)];
    expect(nameSet(keepGrid({ grid: '1x1h | 1x1d', regex: '^zrepl_' }).destroyList(snaps))).toEqual(['manual']);
  });

  it('takes now from the newest matching snapshot, ignoring newer non-matching ones', () => {
    const snaps = [snap('manual', 10 * HOUR), snap('zrepl_a', 0), snap('zrepl_b', -30 * MINUTE)];
    // Were "now" the manual snapshot's date, both zrepl_ snapshots would lie outside the 1h grid.
    expect(nameSet(keepGrid({ grid: '1x1h(keep=all)', regex: '^zrepl_' }).destroyList(snaps))).toEqual(['manual']);
  });

  it('destroys snapshots older than the whole grid', () => {
    const snaps = [snap('a', 0), snap('b', -59 * MINUTE), snap('c', -60 * MINUTE)];
    expect(nameSet(keepGrid({ grid: '1x1h(keep=all)', regex: '.*' }).destroyList(snaps))).toEqual(['c']);
  });

  it('destroys every snapshot when none match its regex', () => {
    const snaps = [snap('a', 0), snap('b', 1)];
    expect(nameSet(keepGrid({ grid: '1x1h', regex: '^zrepl_' }).destroyList(snaps))).toEqual(['a', 'b']);
  });

  it('returns its destroy list oldest first', () => {
    const snaps = [snap('a', 0), snap('b', -1 * SECOND), snap('c', -2 * SECOND), snap('x', 5 * SECOND)];
    expect(names(keepGrid({ grid: '1x1h', regex: '^[abc]$' }).destroyList(snaps))).toEqual(['b', 'a', 'x']);
  });

  it('refuses an empty regex, naming the field', () => {
    expect(() => keepGrid({ grid: '1x1h', regex: '' }, '[2]')).toThrow(/^\[2\]\.regex: must not be empty/);
  });

  it('refuses a malformed grid, naming the field', () => {
    expect(() => keepGrid({ grid: '1x1h(keep=0)', regex: '.*' }, '[2]')).toThrow(/^\[2\]\.grid: interval 1 of 1/);
  });
});
