import type { FilesystemVersion } from '../domain/version.js';

/**
 * The chain of snapshots a replication sends, from sorted candidates: bookmarks are left out
 * (only a chain's first element may be a bookmark, as an incremental base), each guid appears
 * once, and createTxg strictly increases.
 *
 * For input ZFS cannot produce for one filesystem, the candidate that sorts last wins, so the
 * chain still ends at the newest snapshot: of several snapshots with one guid only the last is
 * kept, and of several with one txg only the last. A snapshot with the base's guid or txg is
 * dropped, because the base itself is fixed.
 */
export function snapshotChain(
  base: FilesystemVersion | undefined,
  sortedCandidates: readonly FilesystemVersion[],
): FilesystemVersion[] {
  const chain: FilesystemVersion[] = base ? [base] : [];
  const snapshots = sortedCandidates.filter((v) => v.type === 'snapshot' && v.guid !== base?.guid);
  const lastIndexByGuid = new Map<bigint, number>();
  snapshots.forEach((v, i) => lastIndexByGuid.set(v.guid, i));
  for (const [index, candidate] of snapshots.entries()) {
    if (lastIndexByGuid.get(candidate.guid) !== index) continue;
    const last = chain[chain.length - 1];
    if (last === undefined || candidate.createTxg > last.createTxg) {
      chain.push(candidate);
    } else if (last !== base) {
      chain[chain.length - 1] = candidate;
    }
  }
  return chain;
}
