import type { KeepRule, PruneSnapshot } from './keep-rule.js';
import { fieldPath } from './config-path.js';
import { compileSnapshotRegex } from './snapshot-regex.js';
import { sortedOldestFirst } from './snapshot-order.js';

/** Options of the `regex` rule, in zrepl's vocabulary. */
export interface KeepRegexOptions {
  /** Snapshots whose name matches (unanchored) are kept. */
  regex: string;
  /** Keep the snapshots that do NOT match instead. */
  negate?: boolean;
}

/** zrepl's `regex` rule: keeps snapshots whose name matches (or, negated, does not match). */
export function keepRegex(options: KeepRegexOptions, path?: string): KeepRule {
  const regex = compileSnapshotRegex(options.regex, fieldPath(path, 'regex'));
  const negate = options.negate ?? false;
  return {
    destroyList<T extends PruneSnapshot>(snaps: readonly T[]): T[] {
      return sortedOldestFirst(snaps).filter((snap) => regex.test(snap.name) === negate);
    },
  };
}
