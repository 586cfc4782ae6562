import type { KeepRule, PruneSnapshot } from './keep-rule.js';
import { sortedOldestFirst } from './snapshot-order.js';

/**
 * The snapshots to destroy: those that every rule destroys (a snapshot any rule keeps is kept),
 * oldest first. No rules destroy nothing. Only elements of `snaps` are returned, each once.
 */
export function pruneSnapshots<T extends PruneSnapshot>(snaps: readonly T[], rules: readonly KeepRule[]): T[] {
  const sorted = sortedOldestFirst(snaps);
  if (rules.length === 0) return [];
  const destroyLists = rules.map((rule) => new Set<T>(rule.destroyList(sorted)));
  const seen = new Set<T>();
  return sorted.filter((snap) => {
    if (seen.has(snap)) return false;
    seen.add(snap);
    return destroyLists.every((destroy) => destroy.has(snap));
  });
}
