import type { FilesystemVersion } from '../domain/version.js';
import {
  divergedConflict,
  mostRecentAlreadyPresentConflict,
  noCommonAncestorConflict,
  noSenderSnapshotsConflict,
  type Conflict,
} from './conflict.js';
import { snapshotChain } from './snapshot-chain.js';
import { sortVersions } from './version-order.js';

/**
 * The plan for bringing a receiver up to date: consecutive pairs `path[i] → path[i+1]` are
 * incremental sends. `path[0]` is the most recent common version (it may be a sender bookmark);
 * every later element is a sender snapshot.
 */
export type IncrementalPathResult = { ok: true; path: FilesystemVersion[] } | { ok: false; conflict: Conflict };

/**
 * Plans the incremental sends that bring `receiver` up to `sender`'s newest snapshot, following
 * zrepl's rules:
 *
 * - both lists are sorted by createTxg (a bookmark before a snapshot of the same txg); input
 *   order never changes the result;
 * - receiver bookmarks are ignored: ZFS cannot receive onto them, and a newer one does not block a
 *   receive;
 * - the most recent common ancestor is the receiver's newest snapshot whose guid the sender has;
 *   where the sender has a snapshot and a bookmark with that guid, the snapshot is used;
 * - the path starts at that ancestor and continues with every newer sender snapshot (newer sender
 *   bookmarks are left out: an incremental stream must end at a snapshot).
 *
 * Conflicts, decided in this order:
 * - `no-sender-snapshots`: the sender has no snapshot (nothing can be sent, whatever the receiver has);
 * - `no-common-ancestor`: no receiver snapshot shares a guid with the sender; this includes an
 *   empty receiver (`sortedReceiverVersions` is then `[]`), where the engine applies its initial
 *   replication policy (see {@link initialReplicationPath});
 * - `diverged`: the receiver has snapshots newer than the common ancestor that the sender lacks
 *   (sending would need a rollback on the receiver, which xrepl never does on its own);
 * - `most-recent-already-present`: the common ancestor is the sender's newest snapshot.
 *
 * Never throws: odd input (equal txgs or creation times, duplicate guids, empty lists) gives a
 * result by the same rules.
 */
export function incrementalPath(
  receiver: readonly FilesystemVersion[],
  sender: readonly FilesystemVersion[],
): IncrementalPathResult {
  const sortedSender = sortVersions(sender);
  const sortedReceiver = sortVersions(receiver.filter((v) => v.type === 'snapshot'));

  if (!sortedSender.some((v) => v.type === 'snapshot')) {
    return { ok: false, conflict: noSenderSnapshotsConflict(sortedSender) };
  }

  const ancestor = mostRecentCommonAncestor(sortedReceiver, sortedSender);
  if (ancestor === undefined) {
    return { ok: false, conflict: noCommonAncestorConflict(sortedSender, sortedReceiver) };
  }
  const commonAncestor = sortedSender[ancestor.senderIndex] as FilesystemVersion;

  if (ancestor.receiverIndex !== sortedReceiver.length - 1) {
    const senderOnly = sortedSender.slice(ancestor.senderIndex + 1).filter((v) => v.guid !== commonAncestor.guid);
    const receiverOnly = sortedReceiver.slice(ancestor.receiverIndex + 1);
    return {
      ok: false,
      conflict: divergedConflict(sortedSender, sortedReceiver, commonAncestor, senderOnly, receiverOnly),
    };
  }

  const path = snapshotChain(commonAncestor, sortedSender.slice(ancestor.senderIndex + 1));
  if (path.length < 2) {
    return { ok: false, conflict: mostRecentAlreadyPresentConflict(sortedSender, sortedReceiver, commonAncestor) };
  }
  return { ok: true, path };
}

/** Indexes (into the sorted lists) of the most recent version both sides share by guid. */
function mostRecentCommonAncestor(
  sortedReceiver: readonly FilesystemVersion[],
  sortedSender: readonly FilesystemVersion[],
): { receiverIndex: number; senderIndex: number } | undefined {
  const senderIndexByGuid = preferredSenderIndexByGuid(sortedSender);
  for (let r = sortedReceiver.length - 1; r >= 0; r--) {
    const receiverVersion = sortedReceiver[r] as FilesystemVersion;
    const senderIndex = senderIndexByGuid.get(receiverVersion.guid);
    if (senderIndex !== undefined) return { receiverIndex: r, senderIndex };
  }
  return undefined;
}

/**
 * For each guid on the sender, the index of the version to use as an incremental base: the newest
 * snapshot with that guid, else the newest bookmark (a snapshot keeps more sending options open).
 */
function preferredSenderIndexByGuid(sortedSender: readonly FilesystemVersion[]): Map<bigint, number> {
  const byGuid = new Map<bigint, number>();
  sortedSender.forEach((version, index) => {
    const previous = byGuid.get(version.guid);
    const previousIsSnapshot = previous !== undefined && sortedSender[previous]?.type === 'snapshot';
    if (version.type === 'snapshot' || !previousIsSnapshot) byGuid.set(version.guid, index);
  });
  return byGuid;
}
