import { datasetNameProblem, isSameOrBelow } from '../domain/dataset-name.js';
import { ConfigError } from '../domain/errors.js';

/** The suffix that makes a pattern match a dataset and everything below it. */
export const SUBTREE_SUFFIX = '<';

/** A parsed `filesystems:` pattern. */
interface FilterPattern {
  /** The pattern as written in the configuration. */
  pattern: string;
  /** The filesystem it names; `''` for the bare `<`, which covers every pool. */
  filesystem: string;
  subtree: boolean;
  accept: boolean;
  /** Components in `filesystem`: a longer subtree pattern is more specific. */
  depth: number;
}

/** Decides which filesystems a job works on. */
export interface FilesystemFilter {
  /**
   * True when the filesystem passes the filter. A path that is not a valid filesystem name (empty,
   * a snapshot or bookmark name, bad characters) never passes; this never throws.
   */
  matches(path: string): boolean;
  /** The pattern that decides `path`, for `xrepl test filesystems`-style explanations. */
  decidingPattern(path: string): string | undefined;
}

/** Options for {@link filesystemFilter}. */
export interface FilesystemFilterOptions {
  /** Where the spec sits in the configuration, e.g. `jobs[0].filesystems`, for error messages. */
  configPath?: string;
}

/**
 * Builds a filter from zrepl's `filesystems:` syntax: keys are patterns, values say whether
 * matching filesystems pass. `"pool/a": true` is that filesystem only; `"pool/a<": true` is it and
 * its whole subtree; a bare `"<"` is every filesystem. For a given path the most specific pattern
 * decides: an exact pattern first, else the deepest subtree pattern that contains the path; no
 * matching pattern means the path does not pass.
 *
 * Throws {@link ConfigError} naming the pattern when a key is not a filesystem name (optionally
 * followed by one `<`) or a value is not a boolean.
 */
export function filesystemFilter(
  spec: Readonly<Record<string, boolean>>,
  options: FilesystemFilterOptions = {},
): FilesystemFilter {
  const exact = new Map<string, FilterPattern>();
  // Deepest first, so the first subtree that contains a path is the most specific one.
  const subtrees = Object.entries(spec)
    .map(([pattern, accept]) => parsePattern(pattern, accept, options.configPath))
    .filter((p) => {
      if (p.subtree) return true;
      exact.set(p.filesystem, p);
      return false;
    })
    .sort((a, b) => b.depth - a.depth);

  const decide = (path: string): FilterPattern | undefined => {
    if (typeof path !== 'string' || datasetNameProblem(path, 'filesystem') !== undefined) return undefined;
    return exact.get(path) ?? subtrees.find((p) => p.filesystem === '' || isSameOrBelow(path, p.filesystem));
  };
  return {
    matches: (path) => decide(path)?.accept ?? false,
    decidingPattern: (path) => decide(path)?.pattern,
  };
}

function parsePattern(pattern: string, accept: unknown, configPath: string | undefined): FilterPattern {
  const where = configPath === undefined ? {} : { path: configPath };
  const fail: (problem: string) => never = (problem) => {
    throw new ConfigError(`filesystem pattern ${JSON.stringify(pattern)} ${problem}`, where);
  };
  if (typeof accept !== 'boolean') fail(`must map to true or false, not ${JSON.stringify(accept) ?? String(accept)}`);
  const subtree = pattern.endsWith(SUBTREE_SUFFIX);
  const filesystem = subtree ? pattern.slice(0, -SUBTREE_SUFFIX.length) : pattern;
  if (filesystem.includes(SUBTREE_SUFFIX)) fail(`may contain "${SUBTREE_SUFFIX}" only once, at its end`);
  if (!(subtree && filesystem === '')) {
    const problem = datasetNameProblem(filesystem, 'filesystem');
    if (problem !== undefined) fail(`is not a filesystem name: ${JSON.stringify(filesystem)} ${problem}`);
  }
  return {
    pattern,
    filesystem,
    subtree,
    accept,
    depth: filesystem === '' ? 0 : filesystem.split('/').length,
  };
}
