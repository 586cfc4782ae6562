import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.js';
import { keepRegex } from '../../src/pruning/regex.js';
import { nameSet, snap } from './snapshots.js';

// zrepl's keep_regex_test.go vector.
const snaps = [snap('zrepl_foobar'), snap('zrepl'), snap('barfoo')];

describe('keepRegex', () => {
  it('keeps what matches and destroys the rest', () => {
    expect(nameSet(keepRegex({ regex: '^zrepl_' }).destroyList(snaps))).toEqual(['barfoo', 'zrepl']);
  });

  it('keeps what does not match when negated', () => {
    expect(nameSet(keepRegex({ regex: '^zrepl_', negate: true }).destroyList(snaps))).toEqual(['zrepl_foobar']);
  });

  it('matches anywhere in the name unless anchored', () => {
    expect(nameSet(keepRegex({ regex: 'foo' }).destroyList(snaps))).toEqual(['zrepl']);
  });

  it('refuses an invalid regex with a ConfigError naming the field', () => {
    expect(() => keepRegex({ regex: '[a-' }, '[3]')).toThrow(ConfigError);
    expect(() => keepRegex({ regex: '[a-' }, '[3]')).toThrow(/^\[3\]\.regex: invalid regular expression "\[a-"/);
  });
});
