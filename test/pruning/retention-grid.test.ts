import { describe, expect, it } from 'vitest';
import { parseGridSpec } from '../../src/pruning/grid-spec.js';
import { fitRetentionGrid } from '../../src/pruning/retention-grid.js';
import { HOUR, MINUTE, SECOND, nameSet, snap } from './snapshots.js';

describe('fitRetentionGrid', () => {
  it('keeps and destroys nothing of an empty list', () => {
    expect(fitRetentionGrid([], parseGridSpec('3x10m | 1x1h'))).toEqual({ keep: [], destroy: [] });
  });

  // zrepl's TestIntervalBoundariesAndAlignment: a bucket includes its newer edge, excludes its older.
  it('includes each bucket\'s newer edge and excludes its older edge', () => {
    const snaps = [
      snap('1', 0),
      snap('2', -10 * MINUTE),
      snap('3', -20 * MINUTE),
      snap('4', -30 * MINUTE),
      snap('5', -40 * MINUTE),
    ];
    const fit = fitRetentionGrid(snaps, parseGridSpec('3x10m'));
    expect(nameSet(fit.keep)).toEqual(['1', '2', '3']);
    expect(nameSet(fit.destroy)).toEqual(['4', '5']);
  });

  // zrepl's TestKeepsOldestSnapsInABucket.
  it('keeps the oldest entries of a bucket', () => {
    const snaps = [1, 2, 3, 4, 5].map((s) => snap(String(s), s * SECOND));
    const fit = fitRetentionGrid(snaps, parseGridSpec('1x1m(keep=2)'));
    expect(nameSet(fit.keep)).toEqual(['1', '2']);
    expect(nameSet(fit.destroy)).toEqual(['3', '4', '5']);
  });

  // zrepl's TestRespectsKeepCountAll.
  it('keeps every entry of a keep=all bucket', () => {
    const snaps = [snap('a', 0), snap('b', -1 * SECOND), snap('c', -2 * SECOND), snap('d', -60 * SECOND), snap('e', -61 * SECOND)];
    const fit = fitRetentionGrid(snaps, parseGridSpec('1x1m(keep=all) | 1x1m'));
    expect(nameSet(fit.keep)).toEqual(['a', 'b', 'c', 'e']);
    expect(nameSet(fit.destroy)).toEqual(['d']);
  });

  // zrepl's TestComplex, with its "future" snapshot replaced by one at now: here now is the newest snapshot.
  it('fits a mixed grid like zrepl', () => {
    const snaps = [
      snap('now', 0),
      snap('b1', -6 * MINUTE),
      snap('b3', -8 * MINUTE),
      snap('b2', -9 * MINUTE),
      snap('a', -11 * MINUTE),
      snap('c', -19 * MINUTE),
      snap('foo', -25 * MINUTE),
      snap('bar', -26 * MINUTE),
      snap('border', -30 * MINUTE),
      snap('d', -1 * HOUR - 15 * MINUTE),
      snap('q', -1 * HOUR - 30 * MINUTE),
      snap('e', -1 * HOUR - 31 * MINUTE),
      snap('f', -2 * HOUR),
    ];
    const fit = fitRetentionGrid(snaps, parseGridSpec('1x10m(keep=all) | 1x10m | 1x10m(keep=2) | 1x1h'));
    expect(nameSet(fit.keep)).toEqual(['b1', 'b2', 'b3', 'bar', 'c', 'd', 'foo', 'now']);
    expect(nameSet(fit.destroy)).toEqual(['a', 'border', 'e', 'f', 'q']);
  });

  it('measures now from the newest snapshot, not the wall clock', () => {
    // Years in the past: a wall-clock "now" would put everything outside the grid.
    const snaps = [snap('old', -1000 * 24 * HOUR - 30 * MINUTE), snap('newer', -1000 * 24 * HOUR)];
    expect(nameSet(fitRetentionGrid(snaps, parseGridSpec('1x1h')).keep)).toEqual(['old']);
    expect(nameSet(fitRetentionGrid(snaps, parseGridSpec('1x10m | 1x1h')).keep)).toEqual(['newer', 'old']);
  });

  it('keeps the earlier name of two same-date entries in a full bucket', () => {
    const snaps = [snap('y', 0), snap('x', 0)];
    expect(nameSet(fitRetentionGrid(snaps, parseGridSpec('1x1h')).keep)).toEqual(['x']);
  });

  it('handles a grid with very many repeats without building every bucket', () => {
    const snaps = [snap('a', 0), snap('b', -90 * SECOND), snap('c', -100 * SECOND)];
    const fit = fitRetentionGrid(snaps, parseGridSpec('1000000000x1m'));
    expect(nameSet(fit.keep)).toEqual(['a', 'c']);
  });
});
