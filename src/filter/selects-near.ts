import { isSameOrBelow, parentFilesystem } from '../domain/dataset-name.js';
import { SUBTREE_SUFFIX } from './filesystem-filter.js';

/** A filesystem a filter selects, and the pattern that selects it. */
export interface NearSelection {
  /** Where the selected filesystem lies: the root itself, above it (an ancestor), or below it. */
  relation: 'root' | 'above' | 'below';
  /** The selected filesystem; absent for "any new child of the root". */
  filesystem?: string | undefined;
  /** The `filesystems:` key that passes it. */
  pattern: string;
}

interface Pattern {
  key: string;
  filesystem: string;
  subtree: boolean;
  accept: boolean;
}

/**
 * Whether a `filesystems:` spec (already validated) could select `root`, one of its ancestors, or
 * anything below it: a job that does would replicate its own replicas into itself (one level deeper
 * each run) and prune them as sender data. Answers with one such filesystem and the pattern that
 * selects it, or undefined. Below the root it reasons on the patterns, not on existing datasets,
 * because a filesystem created there later would be selected just the same.
 */
export function selectsNear(spec: Readonly<Record<string, boolean>>, root: string): NearSelection | undefined {
  const patterns: Pattern[] = Object.entries(spec).map(([key, accept]) => {
    const subtree = key.endsWith(SUBTREE_SUFFIX);
    return { key, filesystem: subtree ? key.slice(0, -SUBTREE_SUFFIX.length) : key, subtree, accept };
  });
  // The deciding pattern as filesystemFilter picks it: exact first, else the deepest subtree.
  const decide = (path: string): Pattern | undefined =>
    patterns.find((p) => !p.subtree && p.filesystem === path) ??
    patterns
      .filter((p) => p.subtree && (p.filesystem === '' || isSameOrBelow(path, p.filesystem)))
      .sort((a, b) => b.filesystem.length - a.filesystem.length)[0];

  for (let path: string | undefined = root; path !== undefined; path = parentFilesystem(path)) {
    const p = decide(path);
    if (p?.accept === true) return { relation: path === root ? 'root' : 'above', filesystem: path, pattern: p.key };
  }
  // Any accepting pattern strictly below the root selects what it names (a subtree pattern at the
  // root selects the root's children, none of which can be named more specifically by every pattern).
  for (const p of patterns) {
    if (!p.accept) continue;
    if (p.filesystem !== root && p.filesystem !== '' && isSameOrBelow(p.filesystem, root)) return { relation: 'below', filesystem: p.filesystem, pattern: p.key };
    if (p.subtree && p.filesystem === root) return { relation: 'below', pattern: p.key };
  }
  // A child of the root that no pattern names is decided by the deepest subtree pattern above it.
  const fresh = decide(`${root}/${freshName(patterns, root)}`);
  if (fresh?.accept === true) return { relation: 'below', pattern: fresh.key };
  return undefined;
}

/** A child name of `root` that no pattern names or lies under. */
function freshName(patterns: readonly Pattern[], root: string): string {
  for (let i = 0; ; i++) {
    const name = `x${i}`;
    const child = `${root}/${name}`;
    if (!patterns.some((p) => p.filesystem !== '' && isSameOrBelow(p.filesystem, child))) return name;
  }
}
