import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { initialReplicationPath } from '../../src/planning/initial-replication-path.js';
import { versions as l } from './version-shorthand.js';

describe('initialReplicationPath', () => {
  it('most_recent sends only the newest snapshot, skipping newer bookmarks', () => {
    expect(initialReplicationPath(l('@c,3 @a,1 @b,2 #d,4'), 'most_recent')).toEqual(l('@c,3'));
  });

  it('all sends every snapshot oldest first and no bookmark', () => {
    expect(initialReplicationPath(l('@c,3 #x,2 @a,1 @b,2'), 'all')).toEqual(l('@a,1 @b,2 @c,3'));
  });

  it('is empty when the sender has no snapshot', () => {
    expect(initialReplicationPath([], 'all')).toEqual([]);
    expect(initialReplicationPath(l('#a,1'), 'most_recent')).toEqual([]);
  });

  const versionArb: fc.Arbitrary<FilesystemVersion> = fc.record({
    type: fc.constantFrom('snapshot' as const, 'bookmark' as const),
    name: fc.constantFrom('a', 'b', 'c'),
    guid: fc.bigInt({ min: 1n, max: 5n }),
    createTxg: fc.bigInt({ min: 0n, max: 5n }),
    creation: fc.constant(new Date(0)),
  });

  it('all is a strictly increasing chain of sender snapshots ending at most_recent, for any input', () => {
    fc.assert(
      fc.property(fc.array(versionArb, { maxLength: 10 }), (sender) => {
        const all = initialReplicationPath(sender, 'all');
        const mostRecent = initialReplicationPath(sender, 'most_recent');
        for (const v of all) {
          expect(v.type).toBe('snapshot');
          expect(sender).toContainEqual(v);
        }
        for (let i = 1; i < all.length; i++) expect(all[i]!.createTxg).toBeGreaterThan(all[i - 1]!.createTxg);
        expect(mostRecent).toEqual(all.slice(-1));
        const hasSnapshot = sender.some((v) => v.type === 'snapshot');
        expect(mostRecent.length).toBe(hasSnapshot ? 1 : 0);
        if (hasSnapshot) {
          const maxTxg = sender.filter((v) => v.type === 'snapshot').reduce((m, v) => (v.createTxg > m ? v.createTxg : m), -1n);
          expect(mostRecent[0]!.createTxg).toBe(maxTxg);
        }
      }),
      { numRuns: 500 },
    );
  });
});
