import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { pruneSnapshots } from '../../src/pruning/prune-snapshots.js';
import { nameSet, snap } from './snapshots.js';

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('keepRulesFromConfig', () => {
  it('builds every rule type from zrepl-style configuration', () => {
    const rules = keepRulesFromConfig([
      { type: 'not_replicated', keep_snapshot_at_cursor: false },
      { type: 'last_n', count: 1, regex: '^zrepl_' },
      { type: 'regex', regex: '^manual_', negate: false },
      { type: 'grid', grid: '1x1h(keep=all) | 24x1h', regex: '^zrepl_' },
    ]);
    expect(rules).toHaveLength(4);
    const snaps = [snap('zrepl_1', 1, true), snap('zrepl_2', 2, true), snap('manual_1', 3, true), snap('other', 4, true)];
    // The grid keeps both zrepl_ snapshots and the regex rule keeps manual_1: only "other" is destroyed by every rule.
    expect(nameSet(pruneSnapshots(snaps, rules))).toEqual(['other']);
  });

  it('builds nothing from an empty list', () => {
    expect(keepRulesFromConfig([])).toEqual([]);
  });

  it('names the offending field relative to the list', () => {
    const error = configErrorOf(() => keepRulesFromConfig([{ type: 'not_replicated' }, { type: 'last_n', count: 0 }]));
    expect(error.path).toBe('[1].count');
    expect(error.message).toBe('[1].count: must be >= 1, got 0');
  });

  it('puts the caller\'s path prefix in front', () => {
    const error = configErrorOf(() =>
      keepRulesFromConfig([{ type: 'not_replicated' }, { type: 'last_n', count: 0 }], 'jobs[0].pruning.keep_sender'),
    );
    expect(error.message).toBe('jobs[0].pruning.keep_sender[1].count: must be >= 1, got 0');
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative count', { type: 'last_n', count: -3 }, /^\[0\]\.count: must be >= 1, got -3$/],
    ['a fractional count', { type: 'last_n', count: 2.5 }, /^\[0\]\.count: must be an integer, got 2\.5$/],
    ['a count given as a string', { type: 'last_n', count: '3' }, /^\[0\]\.count: must be a number, got string "3"$/],
    ['a missing count', { type: 'last_n' }, /^\[0\]\.count: is required for a last_n rule$/],
    ['an unknown type', { type: 'keep_all' }, /^\[0\]\.type: unknown keep rule type string "keep_all"; expected one of not_replicated, last_n, regex, grid$/],
    ['a missing type', { count: 3 }, /^\[0\]\.type: is required/],
    ['a type that is not a string', { type: 3 }, /^\[0\]\.type: unknown keep rule type number 3/],
    ['an unknown field', { type: 'last_n', count: 3, cont: 1 }, /^\[0\]\.cont: unknown field for a last_n rule; its fields are type, count, regex$/],
    ['an invalid regex', { type: 'regex', regex: '(' }, /^\[0\]\.regex: invalid regular expression "\("/],
    ['a missing regex rule regex', { type: 'regex' }, /^\[0\]\.regex: is required for a regex rule$/],
    ['a non-boolean negate', { type: 'regex', regex: 'a', negate: 'yes' }, /^\[0\]\.negate: must be true or false, got string "yes"$/],
    ['a grid without regex', { type: 'grid', grid: '1x1h' }, /^\[0\]\.regex: is required for a grid rule$/],
    ['a grid with an empty regex', { type: 'grid', grid: '1x1h', regex: '' }, /^\[0\]\.regex: must not be empty/],
    ['a grid without grid', { type: 'grid', regex: '.*' }, /^\[0\]\.grid: is required for a grid rule$/],
    ['a grid with keep=0', { type: 'grid', grid: '1x1h(keep=0)', regex: '.*' }, /^\[0\]\.grid: interval 1 of 1 .*keep must be/],
    ['a grid with zero repeats', { type: 'grid', grid: '0x1h', regex: '.*' }, /^\[0\]\.grid: .*repeat count must be >= 1, got 0/],
    ['a shrinking grid', { type: 'grid', grid: '1x1d | 1x1h', regex: '.*' }, /^\[0\]\.grid: interval 2 of 2 .*shorter/],
    ['a non-boolean keep_snapshot_at_cursor', { type: 'not_replicated', keep_snapshot_at_cursor: 1 }, /^\[0\]\.keep_snapshot_at_cursor: must be true or false/],
    ['a rule that is not an object', 'last_n', /^\[0\]: must be a keep rule object with a type, got string "last_n"$/],
    ['a null rule', null, /^\[0\]: must be a keep rule object/],
  ])('refuses %s', (_what, rule, message) => {
    const error = configErrorOf(() => keepRulesFromConfig([rule]));
    expect(error.message).toMatch(message);
  });

  it('refuses a rule list that is not a list', () => {
    const notAList: unknown = { type: 'last_n', count: 1 };
    expect(() => keepRulesFromConfig(notAList as readonly unknown[], 'keep_sender')).toThrow(
      /^keep_sender: must be a list of keep rules, got an object$/,
    );
  });

  it('leaves its input unchanged, also when it refuses it', () => {
    const config = [{ type: 'last_n', count: 2 }, { type: 'grid', grid: '0x1h', regex: '.*' }];
    const copy = structuredClone(config);
    expect(() => keepRulesFromConfig(config)).toThrow(ConfigError);
    expect(config).toEqual(copy);
  });
});
