import { ConfigError } from '../domain/errors.js';
import { fieldPath } from './config-path.js';
import { parseGridSpec } from './grid-spec.js';
import type { KeepRule, PruneSnapshot } from './keep-rule.js';
import { fitRetentionGrid } from './retention-grid.js';
import { compileSnapshotRegex } from './snapshot-regex.js';
import { sortedOldestFirst } from './snapshot-order.js';

/** Options of the `grid` rule, in zrepl's vocabulary. */
export interface KeepGridOptions {
  /** The grid, like `1x1h(keep=all) | 24x1h | 14x1d`: terms from the newest to the oldest. */
  grid: string;
  /** Only snapshots whose name matches (unanchored) are fitted into the grid; required, not empty. */
  regex: string;
}

/**
 * zrepl's `grid` rule: fits the snapshots matching `regex` into a retention grid whose "now" is
 * the newest of them, and destroys what the grid does not keep plus every snapshot that does
 * not match.
 */
export function keepGrid(options: KeepGridOptions, path?: string): KeepRule {
  const grid = parseGridSpec(options.grid, fieldPath(path, 'grid'));
  if (options.regex === '') {
    // zrepl refuses an empty grid regex; `.*` says "all snapshots" explicitly.
    throw new ConfigError('must not be empty (use ".*" to fit all snapshots into the grid)', {
      path: fieldPath(path, 'regex'),
    });
  }
  const regex = compileSnapshotRegex(options.regex, fieldPath(path, 'regex'));
  return {
    destroyList<T extends PruneSnapshot>(snaps: readonly T[]): T[] {
      const sorted = sortedOldestFirst(snaps);
      const matching = sorted.filter((snap) => regex.test(snap.name));
      const kept = new Set<T>(fitRetentionGrid(matching, grid).keep);
      return sorted.filter((snap) => !kept.has(snap));
    },
  };
}
