import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepGrid } from '../../src/pruning/grid.js';
import type { KeepRule, PruneSnapshot } from '../../src/pruning/keep-rule.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { pruneSnapshots } from '../../src/pruning/prune-snapshots.js';
import { keepRegex } from '../../src/pruning/regex.js';
import { MINUTE, SECOND, nameSet, names, snap } from './snapshots.js';

const NUM_RUNS = 300;

// zrepl's pruning_test.go input "s1".
const s1 = [snap('foo_123'), snap('foo_456'), snap('bar_123')];

describe('pruneSnapshots (zrepl vectors)', () => {
  it('destroys what the single rule destroys', () => {
    expect(nameSet(pruneSnapshots(s1, [keepRegex({ regex: 'foo_' })]))).toEqual(['bar_123']);
  });

  it('keeps what any rule keeps', () => {
    expect(pruneSnapshots(s1, [keepRegex({ regex: 'foo_' }), keepRegex({ regex: 'bar_' })])).toEqual([]);
  });

  it('destroys only what every rule destroys', () => {
    const rules = [keepRegex({ regex: 'notInS1' }), keepRegex({ regex: 'bar_' })];
    expect(nameSet(pruneSnapshots(s1, rules))).toEqual(['foo_123', 'foo_456']);
  });

  it('destroys nothing without rules', () => {
    expect(pruneSnapshots(s1, [])).toEqual([]);
  });

  it('destroys nothing of no snapshots', () => {
    expect(pruneSnapshots([], [keepRegex({ regex: 'foo_' })])).toEqual([]);
  });

  it('combines grids with disjoint regexes', () => {
    const snaps = [
      snap('p1_a', 4 * SECOND),
      snap('p2_a', 5 * SECOND),
      snap('p1_b', 14 * SECOND),
      snap('p2_b', 15 * SECOND),
      snap('p1_c', 29 * SECOND),
      snap('p2_c', 30 * SECOND),
    ];
    const rules = [keepGrid({ grid: '1x10s | 1x10s', regex: '^p1_' }), keepGrid({ grid: '1x10s | 1x10s', regex: '^p2_' })];
    expect(nameSet(pruneSnapshots(snaps, rules))).toEqual(['p1_a', 'p2_a']);
  });
});

describe('pruneSnapshots', () => {
  it('returns the destroy list oldest first, ties by name', () => {
    const snaps = [snap('c', 2 * MINUTE), snap('b', MINUTE), snap('a', MINUTE), snap('keep', 3 * MINUTE)];
    expect(names(pruneSnapshots(snaps, [keepRegex({ regex: '^keep$' })]))).toEqual(['a', 'b', 'c']);
  });

  it('returns the very objects it was given', () => {
    const snaps = [{ ...snap('x', 1), extra: 42 }];
    const [destroyed] = pruneSnapshots(snaps, [keepRegex({ regex: '^keep$' })]);
    expect(destroyed).toBe(snaps[0]);
    expect(destroyed?.extra).toBe(42);
  });

  it('ignores anything a rule returns that was not in its input', () => {
    const stranger = snap('stranger', 1);
    const rogue: KeepRule = { destroyList: <T extends PruneSnapshot>(snaps: readonly T[]): T[] => [...snaps, stranger as T] };
    expect(names(pruneSnapshots([snap('x', 0)], [rogue]))).toEqual(['x']);
  });

  it('refuses a snapshot with an invalid date, naming it', () => {
    const bad = { name: 'broken', date: new Date(Number.NaN), replicated: false };
    expect(() => pruneSnapshots([bad], [keepRegex({ regex: 'x' })])).toThrow(/snapshot "broken": date is not a valid Date/);
  });
});

// Generators: few names and dates, so ties and regex hits are common.
const regexes = ['^a', 'b', '', '_1$', '^zrepl_'];
const grids = ['1x1h(keep=all) | 24x1h | 14x1d', '1x10m | 1x10m', '3x5m(keep=2) | 2x1h', '1x1m(keep=all) | 1x30s | 4x1h'];

const snapshotsArb = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom('a', 'b', 'ab', 'zrepl_', 'zrepl_b', 'c').chain((prefix) =>
        fc.nat({ max: 30 }).map((n) => `${prefix}_${n}`),
      ),
      minutes: fc.integer({ min: -300, max: 300 }),
      replicated: fc.boolean(),
    }),
    { selector: (s) => s.name, maxLength: 25 },
  )
  .map((records) => records.map((r) => snap(r.name, r.minutes * MINUTE, r.replicated)));

const ruleConfigArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    { type: fc.constant('last_n'), count: fc.integer({ min: 1, max: 6 }), regex: fc.constantFrom(...regexes) },
    { requiredKeys: ['type', 'count'] },
  ),
  fc.record(
    { type: fc.constant('regex'), regex: fc.constantFrom(...regexes), negate: fc.boolean() },
    { requiredKeys: ['type', 'regex'] },
  ),
  fc.record({
    type: fc.constant('grid'),
    grid: fc.constantFrom(...grids),
    regex: fc.constantFrom(...regexes.filter((r) => r !== '')),
  }),
  fc.record({ type: fc.constant('not_replicated'), keep_snapshot_at_cursor: fc.boolean() }, { requiredKeys: ['type'] }),
);

const rulesArb = fc.array(ruleConfigArb, { maxLength: 4 });

function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index % Math.max(1, keys.length)] ?? 0, index }))
    .sort((a, b) => a.key - b.key || b.index - a.index)
    .map((entry) => entry.item);
}

describe('pruneSnapshots properties', () => {
  it('each rule\'s destroy list and the combined one are subsets of the input', () => {
    fc.assert(
      fc.property(snapshotsArb, rulesArb, (snaps, configs) => {
        const rules = keepRulesFromConfig(configs);
        const input = new Set(snaps);
        for (const rule of rules) {
          expect(rule.destroyList(snaps).every((s) => input.has(s))).toBe(true);
        }
        const destroyed = pruneSnapshots(snaps, rules);
        expect(destroyed.every((s) => input.has(s))).toBe(true);
        expect(new Set(destroyed).size).toBe(destroyed.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('destroy lists are the same for any input order', () => {
    fc.assert(
      fc.property(snapshotsArb, rulesArb, fc.array(fc.integer(), { minLength: 1 }), (snaps, configs, keys) => {
        const rules = keepRulesFromConfig(configs);
        const reordered = shuffled(snaps, keys);
        for (const rule of rules) {
          expect(names(rule.destroyList(reordered))).toEqual(names(rule.destroyList(snaps)));
        }
        expect(names(pruneSnapshots(reordered, rules))).toEqual(names(pruneSnapshots(snaps, rules)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never destroys an unreplicated snapshot when a not_replicated rule is present', () => {
    fc.assert(
      fc.property(snapshotsArb, rulesArb, fc.boolean(), fc.nat(), (snaps, configs, atCursor, position) => {
        const withRule = [...configs];
        withRule.splice(position % (configs.length + 1), 0, { type: 'not_replicated', keep_snapshot_at_cursor: atCursor });
        const destroyed = pruneSnapshots(snaps, keepRulesFromConfig(withRule));
        expect(destroyed.filter((s) => !s.replicated)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('adding a rule to a non-empty rule list never destroys more', () => {
    fc.assert(
      fc.property(snapshotsArb, ruleConfigArb, rulesArb, ruleConfigArb, (snaps, first, rest, added) => {
        const base = [first, ...rest];
        const before = new Set(pruneSnapshots(snaps, keepRulesFromConfig(base)));
        const after = pruneSnapshots(snaps, keepRulesFromConfig([...base, added]));
        expect(after.every((s) => before.has(s))).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(snapshotsArb, rulesArb, (snaps, configs) => {
        const frozen = Object.freeze(snaps.map((s) => Object.freeze({ ...s })));
        const before = frozen.map((s) => ({ ...s, date: s.date.getTime() }));
        pruneSnapshots(frozen, keepRulesFromConfig(configs));
        expect(frozen.map((s) => ({ ...s, date: s.date.getTime() }))).toEqual(before);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('destroys the oldest-first sorted intersection of the rules\' destroy lists', () => {
    fc.assert(
      fc.property(snapshotsArb, rulesArb, (snaps, configs) => {
        const rules = keepRulesFromConfig(configs);
        const expected =
          rules.length === 0
            ? []
            : snaps.filter((s) => rules.every((rule) => rule.destroyList(snaps).includes(s)));
        const destroyed = pruneSnapshots(snaps, rules);
        expect(nameSet(destroyed)).toEqual(nameSet(expected));
        const times = destroyed.map((s) => s.date.getTime());
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
