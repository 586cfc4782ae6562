import type { FilesystemVersion } from '../domain/version.js';
import { snapshotChain } from './snapshot-chain.js';
import { sortVersions } from './version-order.js';

/**
 * What a first replication to an empty receiver sends (zrepl's `initial_replication` values):
 * only the newest snapshot, or every snapshot the sender has.
 */
export type InitialReplicationPolicy = 'most_recent' | 'all';

/** The policies, for config validation and help texts. */
export const INITIAL_REPLICATION_POLICIES: readonly InitialReplicationPolicy[] = ['most_recent', 'all'];

/**
 * The path of a first (full) replication: `path[0]` is sent as a full stream, then each pair
 * `path[i] → path[i+1]` incrementally. `most_recent` gives just the sender's newest snapshot;
 * `all` gives every sender snapshot, oldest first. Bookmarks are never part of it (a full stream
 * needs a snapshot). Empty when the sender has no snapshot. Input order does not matter.
 */
export function initialReplicationPath(
  sender: readonly FilesystemVersion[],
  policy: InitialReplicationPolicy,
): FilesystemVersion[] {
  const chain = snapshotChain(undefined, sortVersions(sender));
  if (policy === 'all') return chain;
  const newest = chain[chain.length - 1];
  return newest === undefined ? [] : [newest];
}
