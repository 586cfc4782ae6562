import type { RetentionGridSpec } from './grid-spec.js';
import type { PruneSnapshot } from './keep-rule.js';
import { sortedOldestFirst } from './snapshot-order.js';

/** What a retention grid keeps and what it destroys, each oldest first. */
export interface RetentionGridFit<T> {
  keep: T[];
  destroy: T[];
}

/**
 * Fits snapshots into a retention grid, zrepl's way. "Now" is the newest snapshot's date (not
 * the wall clock); buckets are laid back to back going into the past, the first ending at now
 * inclusive, each covering (start - length, start]. Each bucket keeps its oldest `keep` entries;
 * a snapshot older than the whole grid is destroyed. Ties on date count the later name as newer.
 */
export function fitRetentionGrid<T extends PruneSnapshot>(
  snaps: readonly T[],
  grid: RetentionGridSpec,
): RetentionGridFit<T> {
  const sorted = sortedOldestFirst(snaps);
  const newest = sorted.at(-1);
  if (newest === undefined) return { keep: [], destroy: [] };
  const now = newest.date.getTime();

  const keep: T[] = [];
  const destroy: T[] = [];
  // Occupants per bucket, filled oldest first, so a bucket is full once it holds `keep` entries.
  const bucketCounts = new Map<string, number>();
  for (const snap of sorted) {
    const bucket = locateBucket(now - snap.date.getTime(), grid);
    if (bucket === undefined) {
      destroy.push(snap);
      continue;
    }
    const count = bucketCounts.get(bucket.key) ?? 0;
    bucketCounts.set(bucket.key, count + 1);
    if (bucket.keep === 'all' || count < bucket.keep) keep.push(snap);
    else destroy.push(snap);
  }
  return { keep, destroy };
}

// The bucket an age (now minus date, >= 0) falls in, or undefined when older than the grid.
// Buckets are computed, not materialised, so a grid like `100000x1m` costs nothing extra.
function locateBucket(
  ageMs: number,
  grid: RetentionGridSpec,
): { key: string; keep: RetentionGridSpec[number]['keep'] } | undefined {
  let groupStart = 0;
  for (const [groupIndex, group] of grid.entries()) {
    const groupEnd = groupStart + group.repeat * group.lengthMs;
    if (ageMs < groupEnd) {
      const bucketIndex = Math.floor((ageMs - groupStart) / group.lengthMs);
      return { key: `${groupIndex}:${bucketIndex}`, keep: group.keep };
    }
    groupStart = groupEnd;
  }
  return undefined;
}
