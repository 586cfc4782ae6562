import type { KeepRule, PruneSnapshot } from './keep-rule.js';
import { sortedOldestFirst } from './snapshot-order.js';

/** Options of the `not_replicated` rule, in zrepl's vocabulary. */
export interface KeepNotReplicatedOptions {
  /**
   * Also keep the snapshot at the replication cursor: the newest replicated one, which the next
   * incremental send starts from. Defaults to true, as in zrepl.
   */
  keepSnapshotAtCursor?: boolean;
}

/**
 * zrepl's `not_replicated`: keeps every snapshot the receiver does not have yet (replicated =
 * false) and, unless `keepSnapshotAtCursor` is false, the newest replicated snapshot too.
 *
 * zrepl reaches the same result by reporting the snapshot at the cursor as unreplicated; here
 * `replicated` means "at or before the cursor" and the rule itself spares the cursor snapshot.
 */
export function keepNotReplicated(options: KeepNotReplicatedOptions = {}): KeepRule {
  const keepSnapshotAtCursor = options.keepSnapshotAtCursor ?? true;
  return {
    destroyList<T extends PruneSnapshot>(snaps: readonly T[]): T[] {
      const replicated = sortedOldestFirst(snaps).filter((snap) => snap.replicated);
      // Sorted oldest first, so the cursor snapshot is the last replicated one.
      return keepSnapshotAtCursor ? replicated.slice(0, -1) : replicated;
    },
  };
}
