import type { PruneSnapshot } from './keep-rule.js';

/**
 * Orders snapshots oldest first: by date, then by name, then unreplicated before replicated.
 * A total order on the fields, so every result built on it is independent of input order.
 */
export function compareSnapshotsOldestFirst(a: PruneSnapshot, b: PruneSnapshot): number {
  const byDate = a.date.getTime() - b.date.getTime();
  if (byDate !== 0) return byDate;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.replicated !== b.replicated) return a.replicated ? 1 : -1;
  return 0;
}

/**
 * A sorted copy (oldest first) of the snapshots, after checking that each has a usable date:
 * an Invalid Date would make every comparison false and the order meaningless.
 */
export function sortedOldestFirst<T extends PruneSnapshot>(snaps: readonly T[]): T[] {
  for (const snap of snaps) {
    if (!(snap.date instanceof Date) || Number.isNaN(snap.date.getTime())) {
      throw new TypeError(`snapshot ${JSON.stringify(snap.name)}: date is not a valid Date`);
    }
  }
  return [...snaps].sort(compareSnapshotsOldestFirst);
}
