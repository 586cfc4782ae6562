import type { ListedVersion } from '../domain/version.js';

/**
 * When the periodic snapshotter should take its first snapshot after a start, so that a restart
 * keeps the existing rhythm instead of snapshotting at once (zrepl's sync-up).
 */

/** A filesystem the sync point could not be computed for, and why. */
export interface SyncPointProblem {
  filesystem: string;
  message: string;
}

/** The outcome of {@link findSyncPoint}. */
export interface SyncPoint {
  /** Epoch ms of the first snapshot; `now` when it is overdue or nothing was snapshotted yet. */
  at: number;
  /** Filesystems without a snapshot of the prefix (they wait for the sync point too). */
  withoutSnapshots: string[];
  /** Filesystems whose newest snapshot of the prefix is in the future (clock skew). */
  problems: SyncPointProblem[];
}

/** Input of {@link findSyncPoint}. */
export interface SyncPointInput {
  /** Each served filesystem's versions, as an endpoint lists them. */
  versions: ReadonlyMap<string, readonly ListedVersion[]>;
  prefix: string;
  intervalMs: number;
  now: number;
}

/**
 * The sync point: the earliest over the filesystems of (newest snapshot with the prefix, by
 * createTxg) + interval, never before `now`. Filesystems with such snapshots decide; only when
 * none has one is the answer `now`. Throws when every filesystem has a problem.
 */
export function findSyncPoint(input: SyncPointInput): SyncPoint {
  const { versions, prefix, intervalMs, now } = input;
  if (!(intervalMs > 0)) throw new RangeError(`sync point: interval must be positive, got ${intervalMs} ms`);
  const withoutSnapshots: string[] = [];
  const problems: SyncPointProblem[] = [];
  let earliest: number | undefined;
  for (const [filesystem, listed] of versions) {
    const newest = newestWithPrefix(listed, prefix);
    if (newest === undefined) {
      withoutSnapshots.push(filesystem);
      continue;
    }
    const creation = newest.creation.getTime();
    if (creation > now) {
      problems.push({
        filesystem,
        message: `snapshot ${filesystem}@${newest.name} is from the future: created ${newest.creation.toISOString()}, now ${new Date(now).toISOString()}`,
      });
      continue;
    }
    const candidate = creation + intervalMs;
    if (earliest === undefined || candidate < earliest) earliest = candidate;
  }
  if (versions.size > 0 && problems.length === versions.size) {
    throw new Error(`sync point: no filesystem has a usable snapshot time (${problems.map((p) => p.message).join('; ')})`);
  }
  return { at: Math.max(now, earliest ?? now), withoutSnapshots, problems };
}

function newestWithPrefix(listed: readonly ListedVersion[], prefix: string): ListedVersion | undefined {
  let newest: ListedVersion | undefined;
  for (const version of listed) {
    if (version.type !== 'snapshot' || !version.name.startsWith(prefix)) continue;
    if (newest === undefined || version.createTxg > newest.createTxg) newest = version;
  }
  return newest;
}
