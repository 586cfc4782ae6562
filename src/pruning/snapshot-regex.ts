import { ConfigError } from '../domain/errors.js';

/**
 * Compiles a keep rule's `regex` field. Matching is unanchored, as in zrepl (Go's
 * `MatchString`): `zrepl_` matches `zrepl_20240101`; anchor with `^` and `$` when needed.
 */
export function compileSnapshotRegex(source: string, path?: string): RegExp {
  try {
    // No flags: a global or sticky regex would carry lastIndex from one test() to the next.
    return new RegExp(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`invalid regular expression ${JSON.stringify(source)}: ${reason}`, { path, cause: error });
  }
}
