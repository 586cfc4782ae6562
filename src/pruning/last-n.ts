import { ConfigError } from '../domain/errors.js';
import type { KeepRule, PruneSnapshot } from './keep-rule.js';
import { fieldPath } from './config-path.js';
import { compileSnapshotRegex } from './snapshot-regex.js';
import { sortedOldestFirst } from './snapshot-order.js';

/** Options of the `last_n` rule, in zrepl's vocabulary. */
export interface KeepLastNOptions {
  /** How many of the newest matching snapshots to keep; an integer >= 1. */
  count: number;
  /** Only snapshots whose name matches count (unanchored); the others are destroyed by this rule. */
  regex?: string;
}

/**
 * zrepl's `last_n`: keeps the `count` newest snapshots among those matching `regex` (all of
 * them without one) and destroys everything else. Of two with the same date, the later name is
 * the newer.
 */
export function keepLastN(options: KeepLastNOptions, path?: string): KeepRule {
  const { count } = options;
  if (!Number.isInteger(count)) {
    throw new ConfigError(`must be an integer, got ${count}`, { path: fieldPath(path, 'count') });
  }
  if (count < 1) {
    throw new ConfigError(`must be >= 1, got ${count}`, { path: fieldPath(path, 'count') });
  }
  const regex = compileSnapshotRegex(options.regex ?? '', fieldPath(path, 'regex'));
  return {
    destroyList<T extends PruneSnapshot>(snaps: readonly T[]): T[] {
      const sorted = sortedOldestFirst(snaps);
      const matching = sorted.filter((snap) => regex.test(snap.name));
      const kept = new Set<T>(matching.slice(Math.max(0, matching.length - count)));
      return sorted.filter((snap) => !kept.has(snap));
    },
  };
}
