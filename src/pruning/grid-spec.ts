import { parsePositiveDuration } from '../config/duration.js';
import { ConfigError } from '../domain/errors.js';

/** How many snapshots one grid bucket keeps: a count >= 1, or all of them. */
export type BucketKeep = number | 'all';

/** `repeat` consecutive buckets of the same length, as one `NxDURATION(keep=K)` term declares them. */
export interface GridIntervalGroup {
  repeat: number;
  lengthMs: number;
  keep: BucketKeep;
}

/** A parsed retention grid: its interval groups from the newest (nearest "now") to the oldest. */
export type RetentionGridSpec = readonly GridIntervalGroup[];

// zrepl's term shape: `<repeat> x <duration>` and an optional `(keep=<n|all>)`.
const termPattern = /^\s*(\d+)\s*x\s*([^(]*?)\s*(?:\((.*)\))?\s*$/;
const keepPattern = /^\s*keep\s*=\s*(.*?)\s*$/;

/**
 * Parses a zrepl retention grid such as `1x1h(keep=all) | 24x1h | 14x1d`. Every malformed
 * term is a ConfigError that names the term and its position; so are interval lengths that
 * shrink from one term to the next (zrepl refuses those unless every earlier term keeps all).
 */
export function parseGridSpec(spec: unknown, path?: string): RetentionGridSpec {
  if (typeof spec !== 'string') {
    throw new ConfigError(`must be a grid string like "1x1h(keep=all) | 24x1h | 14x1d"`, { path });
  }
  const terms = spec.split('|');
  const groups = terms.map((term, index) => {
    const where = `interval ${index + 1} of ${terms.length} (${JSON.stringify(term.trim())})`;
    return parseTerm(term, where, path);
  });
  assertLengthsDoNotShrink(groups, terms, path);
  return groups;
}

function parseTerm(term: string, where: string, path: string | undefined): GridIntervalGroup {
  const match = termPattern.exec(term);
  if (!match) {
    throw new ConfigError(`${where}: expected <repeat>x<duration> with an optional (keep=<n|all>), like "24x1h"`, {
      path,
    });
  }
  const repeat = Number(match[1]);
  if (!Number.isSafeInteger(repeat) || repeat < 1) {
    throw new ConfigError(`${where}: repeat count must be >= 1, got ${match[1]}`, { path });
  }
  let lengthMs: number;
  try {
    lengthMs = parsePositiveDuration(match[2] ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${where}: ${reason}`, { path, cause: error });
  }
  const params = match[3];
  const keep = params === undefined ? 1 : parseKeep(params, where, path);
  return { repeat, lengthMs, keep };
}

function parseKeep(params: string, where: string, path: string | undefined): BucketKeep {
  const match = keepPattern.exec(params);
  if (!match) {
    throw new ConfigError(`${where}: unknown interval parameter ${JSON.stringify(params)}; only keep=<n|all> exists`, {
      path,
    });
  }
  const value = match[1] ?? '';
  // zrepl encodes "all" as -1 internally and accepts that spelling too.
  if (value === 'all' || value === '-1') return 'all';
  if (!/^[+-]?\d+$/.test(value)) {
    throw new ConfigError(`${where}: keep must be "all" or an integer >= 1, got ${JSON.stringify(value)}`, { path });
  }
  const keep = Number(value);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new ConfigError(`${where}: keep must be "all" or an integer >= 1, got ${value}`, { path });
  }
  return keep;
}

function assertLengthsDoNotShrink(groups: readonly GridIntervalGroup[], terms: readonly string[], path?: string): void {
  let previousLength = 0;
  let allEarlierKeepAll = true;
  groups.forEach((group, index) => {
    if (group.lengthMs < previousLength && !allEarlierKeepAll) {
      const term = JSON.stringify((terms[index] ?? '').trim());
      throw new ConfigError(
        `interval ${index + 1} of ${groups.length} (${term}) is shorter than the interval before it; ` +
          'interval lengths must not shrink unless every earlier interval has keep=all',
        { path },
      );
    }
    previousLength = group.lengthMs;
    allEarlierKeepAll &&= group.keep === 'all';
  });
}
