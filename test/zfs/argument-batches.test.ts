import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argumentCost, destroyBatches, MAX_COMMAND_ARGUMENT_BYTES, poolOf, snapshotBatches } from '../../src/zfs/argument-batches.js';

const runs = Number(process.env.XREPL_PROPERTY_RUNS ?? 200);
const component = fc.stringMatching(/^[a-z0-9_][a-z0-9_.:-]{0,40}$/);
const pool = fc.constantFrom('tank', 'backup', 'rpool', 'p4');
const snapshotName = fc.tuple(pool, fc.array(component, { minLength: 0, maxLength: 4 }), component).map(([p, path, snap]) => `${[p, ...path].join('/')}@${snap}`);

/** What `zfs snapshot <batch>` costs in the remote command string. */
const commandCost = (args: readonly string[]): number => args.reduce((n, a) => n + argumentCost(a), 0);

describe('snapshotBatches', () => {
  it('puts every name in exactly one batch, one pool per batch, each command within the budget', () => {
    fc.assert(
      fc.property(fc.array(snapshotName, { maxLength: 400 }), fc.integer({ min: 300, max: 20_000 }), (names, budget) => {
        const batches = snapshotBatches(names, budget);
        expect(batches.flat().sort()).toEqual([...names].sort());
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(new Set(batch.map(poolOf)).size).toBe(1);
          expect(commandCost(['snapshot', ...batch])).toBeLessThanOrEqual(budget);
        }
        // Names of one pool keep their order.
        for (const p of new Set(names.map(poolOf))) expect(batches.flat().filter((n) => poolOf(n) === p)).toEqual(names.filter((n) => poolOf(n) === p));
      }),
      { numRuns: runs },
    );
  });

  it('keeps 10,000 filesystems of two pools within 100 KiB a command, never mixing the pools', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `${i % 2 === 0 ? 'tank' : 'backup'}/data/some/long/path/filesystem${i}@xrepl_20240101_000000_000`);
    const batches = snapshotBatches(names);
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches) {
      expect(commandCost(['snapshot', ...batch])).toBeLessThanOrEqual(MAX_COMMAND_ARGUMENT_BYTES);
      expect(new Set(batch.map(poolOf)).size).toBe(1);
    }
    expect(batches.flat().length).toBe(10_000);
  });
});

describe('destroyBatches', () => {
  it('puts every name in exactly one batch, in order, and each comma list within the budget', () => {
    fc.assert(
      fc.property(
        fc.tuple(pool, fc.array(component, { maxLength: 4 })).map(([p, path]) => [p, ...path].join('/')),
        fc.uniqueArray(component, { maxLength: 500 }),
        fc.integer({ min: 400, max: 20_000 }),
        (fs, snapshots, budget) => {
          const batches = destroyBatches(fs, snapshots, budget);
          expect(batches.flat()).toEqual(snapshots);
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(commandCost(['destroy', `${fs}@${batch.join(',')}`])).toBeLessThanOrEqual(budget);
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it('splits 100,000 snapshots of one filesystem so that no argument reaches MAX_ARG_STRLEN (128 KiB)', () => {
    const snapshots = Array.from({ length: 100_000 }, (_, i) => `xrepl_20240101_000000_${String(i).padStart(6, '0')}`);
    const batches = destroyBatches('tank/data', snapshots);
    for (const batch of batches) expect(Buffer.byteLength(`tank/data@${batch.join(',')}`)).toBeLessThan(128 * 1024);
    expect(batches.flat()).toEqual(snapshots);
  });
});
