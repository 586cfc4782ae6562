import { describe, expect, it } from 'vitest';
import { keepNotReplicated } from '../../src/pruning/not-replicated.js';
import { nameSet, snap } from './snapshots.js';

// zrepl's keep_not_replicated_test.go vector, with dates so "newest replicated" is defined.
const snaps = [snap('1', 1, true), snap('2', 2, false), snap('3', 3, true)];

describe('keepNotReplicated', () => {
  it('destroys only replicated snapshots when the cursor snapshot may go (zrepl vector)', () => {
    expect(nameSet(keepNotReplicated({ keepSnapshotAtCursor: false }).destroyList(snaps))).toEqual(['1', '3']);
  });

  it('spares the newest replicated snapshot by default, as zrepl keeps the one at the cursor', () => {
    expect(nameSet(keepNotReplicated().destroyList(snaps))).toEqual(['1']);
    expect(nameSet(keepNotReplicated({ keepSnapshotAtCursor: true }).destroyList(snaps))).toEqual(['1']);
  });

  it('takes the later name as the newer of two replicated snapshots with the same date', () => {
    const tied = [snap('b', 5, true), snap('a', 5, true)];
    expect(nameSet(keepNotReplicated().destroyList(tied))).toEqual(['a']);
  });

  it('destroys nothing of an empty list', () => {
    expect(keepNotReplicated().destroyList([])).toEqual([]);
  });

  it('destroys nothing when nothing is replicated', () => {
    expect(keepNotReplicated({ keepSnapshotAtCursor: false }).destroyList([snap('x', 1), snap('y', 2)])).toEqual([]);
  });
});
