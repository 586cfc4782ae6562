import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilesystemEntry } from '../../src/replication/filesystem-entry.js';
import { EntryTable } from '../../src/replication/entry-table.js';

const entry = (path: string): FilesystemEntry => ({ path, status: 'ready', steps: [], attempts: 0, needsReplan: false, nextStepDate: 0 });

describe('EntryTable', () => {
  it('behaves like an array under any sequence of replacements, and never changes an earlier table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.array(fc.tuple(fc.nat(), fc.string()), { maxLength: 50 }), (size, edits) => {
        const model = Array.from({ length: size }, (_, i) => entry(`fs${i}`));
        const original = EntryTable.from(model);
        let table = original;
        for (const [at, name] of edits) {
          const i = at % size;
          model[i] = entry(name);
          table = table.with(i, model[i]!);
        }
        expect(table.length).toBe(size);
        expect(table.toArray()).toEqual(model);
        expect(model.every((e, i) => table.get(i) === e)).toBe(true);
        expect(original.toArray().map((e) => e.path)).toEqual(Array.from({ length: size }, (_, i) => `fs${i}`));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an index outside the table', () => {
    expect(() => EntryTable.from([entry('a')]).with(1, entry('b'))).toThrow(RangeError);
    expect(EntryTable.from([]).get(0)).toBeUndefined();
  });
});
