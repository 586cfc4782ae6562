import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.js';
import { keepLastN } from '../../src/pruning/last-n.js';
import { MINUTE, nameSet, names, snap } from './snapshots.js';

// zrepl's keep_last_n_test.go input "s1": two snapshots share the newest date.
const s1 = [snap('1', 10 * MINUTE), snap('2', 20 * MINUTE), snap('3', 15 * MINUTE), snap('4', 30 * MINUTE), snap('5', 30 * MINUTE)];

describe('keepLastN', () => {
  it('keeps the two newest (zrepl vector keep2)', () => {
    expect(nameSet(keepLastN({ count: 2 }).destroyList(s1))).toEqual(['1', '2', '3']);
  });

  it('keeps the later name of two with the same date (zrepl vector keep1OfTwoWithSameTime)', () => {
    expect(nameSet(keepLastN({ count: 1 }).destroyList(s1))).toEqual(['1', '2', '3', '4']);
  });

  it('destroys nothing when count exceeds the snapshots (zrepl vector keepMany)', () => {
    expect(keepLastN({ count: 100 }).destroyList(s1)).toEqual([]);
  });

  it('destroys nothing of an empty list', () => {
    expect(keepLastN({ count: 100 }).destroyList([])).toEqual([]);
  });

  it('treats an empty regex as matching everything (zrepl vector empty_regex)', () => {
    expect(nameSet(keepLastN({ count: 4, regex: '' }).destroyList(s1))).toEqual(['1']);
  });

  it('destroys the snapshots that do not match its regex (zrepl vector keep_more_than_matching)', () => {
    const snaps = [snap('a1', 10 * MINUTE), snap('b1', 11 * MINUTE), snap('a2', 12 * MINUTE)];
    expect(nameSet(keepLastN({ count: 4, regex: 'a' }).destroyList(snaps))).toEqual(['b1']);
  });

  it('counts only matching snapshots toward count', () => {
    const snaps = [snap('a1', 1), snap('b1', 2), snap('a2', 3), snap('b2', 4), snap('a3', 5), snap('b3', 6)];
    expect(nameSet(keepLastN({ count: 2, regex: '^a' }).destroyList(snaps))).toEqual(['a1', 'b1', 'b2', 'b3']);
  });

  it('returns its destroy list oldest first', () => {
    expect(names(keepLastN({ count: 1 }).destroyList(s1))).toEqual(['1', '3', '2', '4']);
  });

  it('does not mutate its input', () => {
    const input = Object.freeze([...s1]);
    keepLastN({ count: 2 }).destroyList(input);
    expect(input).toEqual(s1);
  });

  it.each([0, -5])('refuses count %d with a ConfigError naming count', (count) => {
    expect(() => keepLastN({ count })).toThrow(ConfigError);
    expect(() => keepLastN({ count }, '[0]')).toThrow(`[0].count: must be >= 1, got ${count}`);
  });

  it('refuses a fractional count', () => {
    expect(() => keepLastN({ count: 1.5 }, '[0]')).toThrow('[0].count: must be an integer, got 1.5');
  });

  it('refuses an invalid regex, naming it', () => {
    expect(() => keepLastN({ count: 1, regex: '(' }, '[0]')).toThrow(/^\[0\]\.regex: invalid regular expression "\("/);
  });
});
