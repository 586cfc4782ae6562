import { describeVersion, type FilesystemVersion } from '../domain/version.js';

/** The sender and the receiver have no version in common: no incremental send is possible. */
export interface NoCommonAncestorConflict {
  kind: 'no-common-ancestor';
  sortedSenderVersions: FilesystemVersion[];
  /** Receiver snapshots only: receiver bookmarks never take part in planning. */
  sortedReceiverVersions: FilesystemVersion[];
  message: string;
}

/** The receiver has snapshots newer than the last common one that the sender does not have. */
export interface DivergedConflict {
  kind: 'diverged';
  sortedSenderVersions: FilesystemVersion[];
  sortedReceiverVersions: FilesystemVersion[];
  /** The most recent version both sides share, as the sender has it. */
  commonAncestor: FilesystemVersion;
  /** Sender versions (snapshots and bookmarks) newer than the common ancestor. */
  senderOnly: FilesystemVersion[];
  /** Receiver snapshots newer than the common ancestor. */
  receiverOnly: FilesystemVersion[];
  message: string;
}

/** The receiver already has the sender's newest snapshot: there is nothing to send. */
export interface MostRecentAlreadyPresentConflict {
  kind: 'most-recent-already-present';
  sortedSenderVersions: FilesystemVersion[];
  sortedReceiverVersions: FilesystemVersion[];
  commonAncestor: FilesystemVersion;
  message: string;
}

/** The sender has no snapshot at all (bookmarks alone cannot be sent). */
export interface NoSenderSnapshotsConflict {
  kind: 'no-sender-snapshots';
  message: string;
}

/** Why no incremental path exists, with the evidence the engine and the operator need. */
export type Conflict =
  | NoCommonAncestorConflict
  | DivergedConflict
  | MostRecentAlreadyPresentConflict
  | NoSenderSnapshotsConflict;

/** The names of the conflict kinds, for guards and reports. */
export type ConflictKind = Conflict['kind'];

function versionLines(title: string, versions: readonly FilesystemVersion[]): string {
  if (versions.length === 0) return `\n  ${title}: (none)`;
  return `\n  ${title}:` + versions.map((v) => `\n    ${describeVersion(v)}`).join('');
}

/** Builds a {@link NoCommonAncestorConflict} with a message listing both sides. */
export function noCommonAncestorConflict(
  sortedSenderVersions: FilesystemVersion[],
  sortedReceiverVersions: FilesystemVersion[],
): NoCommonAncestorConflict {
  const why =
    sortedReceiverVersions.length === 0
      ? 'the receiver has no snapshots, so only a full (initial) send is possible'
      : 'no receiver snapshot has the guid of any sender snapshot or bookmark';
  return {
    kind: 'no-common-ancestor',
    sortedSenderVersions,
    sortedReceiverVersions,
    message:
      `no common snapshot or bookmark between sender and receiver: ${why}` +
      versionLines('sender versions, oldest first', sortedSenderVersions) +
      versionLines('receiver snapshots, oldest first', sortedReceiverVersions),
  };
}

/** Builds a {@link DivergedConflict} with a message naming the ancestor and both sides' extras. */
export function divergedConflict(
  sortedSenderVersions: FilesystemVersion[],
  sortedReceiverVersions: FilesystemVersion[],
  commonAncestor: FilesystemVersion,
  senderOnly: FilesystemVersion[],
  receiverOnly: FilesystemVersion[],
): DivergedConflict {
  return {
    kind: 'diverged',
    sortedSenderVersions,
    sortedReceiverVersions,
    commonAncestor,
    senderOnly,
    receiverOnly,
    message:
      `the receiver's newest snapshot is not on the sender: the histories diverged after ${describeVersion(commonAncestor)}` +
      versionLines('only on the sender', senderOnly) +
      versionLines('only on the receiver', receiverOnly),
  };
}

/** Builds a {@link MostRecentAlreadyPresentConflict} naming the shared newest snapshot. */
export function mostRecentAlreadyPresentConflict(
  sortedSenderVersions: FilesystemVersion[],
  sortedReceiverVersions: FilesystemVersion[],
  commonAncestor: FilesystemVersion,
): MostRecentAlreadyPresentConflict {
  return {
    kind: 'most-recent-already-present',
    sortedSenderVersions,
    sortedReceiverVersions,
    commonAncestor,
    message: `the receiver already has the sender's newest snapshot ${describeVersion(commonAncestor)}: nothing to send`,
  };
}

/** Builds a {@link NoSenderSnapshotsConflict}, listing the sender's bookmarks if it has any. */
export function noSenderSnapshotsConflict(sortedSenderVersions: readonly FilesystemVersion[]): NoSenderSnapshotsConflict {
  const bookmarks = sortedSenderVersions.filter((v) => v.type === 'bookmark');
  return {
    kind: 'no-sender-snapshots',
    message:
      'the sender has no snapshots to send' +
      (bookmarks.length > 0 ? versionLines('sender bookmarks (cannot be sent)', bookmarks) : ''),
  };
}
