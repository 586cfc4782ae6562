import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ListedVersion } from '../../src/domain/version.js';
import { findSyncPoint } from '../../src/snapshotter/sync-point.js';

const MINUTE = 60_000;
const NOW = Date.parse('2026-11-26T09:30:00.000Z');

function snap(name: string, txg: number, creation: number, type: 'snapshot' | 'bookmark' = 'snapshot'): ListedVersion {
  return { type, name, guid: BigInt(txg) * 7n, createTxg: BigInt(txg), creation: new Date(creation), userRefs: 0 };
}

describe('findSyncPoint', () => {
  it('waits until one interval after the newest snapshot with the prefix', () => {
    const versions = new Map([['tank/a', [snap('xrepl_1', 1, NOW - 8 * MINUTE), snap('xrepl_2', 2, NOW - 3 * MINUTE)]]]);
    expect(findSyncPoint({ versions, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW }).at).toBe(NOW + 7 * MINUTE);
  });

  it('orders by createTxg, not by creation time nor list order', () => {
    // The higher txg is the newer snapshot even though its creation second is earlier (clock step).
    const versions = new Map([['tank/a', [snap('xrepl_b', 9, NOW - 5 * MINUTE), snap('xrepl_a', 3, NOW - 1 * MINUTE)]]]);
    expect(findSyncPoint({ versions, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW }).at).toBe(NOW + 5 * MINUTE);
  });

  it('ignores bookmarks and snapshots without the prefix', () => {
    const versions = new Map([
      ['tank/a', [snap('xrepl_old', 1, NOW - 9 * MINUTE), snap('manual', 5, NOW - MINUTE), snap('xrepl_bm', 6, NOW - MINUTE, 'bookmark')]],
    ]);
    expect(findSyncPoint({ versions, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW }).at).toBe(NOW + MINUTE);
  });

  it('snapshots at once when the next snapshot is overdue or nothing has one', () => {
    const overdue = new Map([['tank/a', [snap('xrepl_1', 1, NOW - 60 * MINUTE)]]]);
    expect(findSyncPoint({ versions: overdue, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW }).at).toBe(NOW);
    const none = new Map([['tank/a', [] as ListedVersion[]], ['tank/b', [snap('other', 1, NOW - MINUTE)]]]);
    const point = findSyncPoint({ versions: none, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW });
    expect(point.at).toBe(NOW);
    expect(point.withoutSnapshots).toEqual(['tank/a', 'tank/b']);
    expect(findSyncPoint({ versions: new Map(), prefix: 'xrepl_', intervalMs: MINUTE, now: NOW }).at).toBe(NOW);
  });

  it('lets filesystems with snapshots decide over those without', () => {
    const versions = new Map([['tank/new', [] as ListedVersion[]], ['tank/a', [snap('xrepl_1', 1, NOW - 2 * MINUTE)]]]);
    const point = findSyncPoint({ versions, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW });
    expect(point.at).toBe(NOW + 8 * MINUTE);
    expect(point.withoutSnapshots).toEqual(['tank/new']);
  });

  it('reports a snapshot from the future, and fails only when every filesystem has one', () => {
    const mixed = new Map([
      ['tank/skewed', [snap('xrepl_1', 1, NOW + 5 * MINUTE)]],
      ['tank/a', [snap('xrepl_1', 1, NOW - 4 * MINUTE)]],
    ]);
    const point = findSyncPoint({ versions: mixed, prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: NOW });
    expect(point.at).toBe(NOW + 6 * MINUTE);
    expect(point.problems.map((p) => p.filesystem)).toEqual(['tank/skewed']);
    expect(point.problems[0]?.message).toMatch(/tank\/skewed@xrepl_1 is from the future/);
    const allSkewed = new Map([['tank/skewed', [snap('xrepl_1', 1, NOW + MINUTE)]]]);
    expect(() => findSyncPoint({ versions: allSkewed, prefix: 'xrepl_', intervalMs: MINUTE, now: NOW })).toThrow(/tank\/skewed/);
  });

  it('refuses a non-positive interval', () => {
    expect(() => findSyncPoint({ versions: new Map(), prefix: 'x', intervalMs: 0, now: NOW })).toThrow(/interval must be positive/);
  });

  it('is never before now, and never later than an interval after any usable newest snapshot', () => {
    const creations = fc.array(fc.integer({ min: -100 * MINUTE, max: 0 }), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(creations, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 60 * MINUTE }), (perFs, interval) => {
        const versions = new Map(perFs.map((offsets, i) => [`tank/fs${i}`, offsets.map((o, t) => snap(`xrepl_${t}`, t + 1, NOW + o))]));
        const { at } = findSyncPoint({ versions, prefix: 'xrepl_', intervalMs: interval, now: NOW });
        expect(at).toBeGreaterThanOrEqual(NOW);
        for (const offsets of perFs) {
          const newest = offsets.at(-1); // highest txg
          if (newest !== undefined) expect(at).toBeLessThanOrEqual(Math.max(NOW, NOW + newest + interval));
        }
        // With any snapshot at all, the answer is exactly one of the candidates (or now).
        const candidates = perFs.flatMap((o) => (o.length ? [Math.max(NOW, NOW + o.at(-1)! + interval)] : []));
        if (candidates.length > 0) expect(at).toBe(Math.min(...candidates));
        else expect(at).toBe(NOW);
      }),
      { numRuns: 300 },
    );
  });
});
