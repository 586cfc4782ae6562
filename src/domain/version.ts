/** Whether a version is a snapshot (`fs@name`) or a bookmark (`fs#name`). */
export type VersionType = 'snapshot' | 'bookmark';

/**
 * One point in a filesystem's history, as ZFS identifies it.
 *
 * `guid` is the identity that survives replication (the same snapshot has the same guid on
 * sender and receiver); `createTxg` orders versions within one pool; `creation` has only
 * one-second resolution in ZFS and is never used for ordering.
 */
export interface FilesystemVersion {
  type: VersionType;
  /** The name without the filesystem and without the `@` or `#` separator. */
  name: string;
  guid: bigint;
  createTxg: bigint;
  creation: Date;
}

/** A version as an endpoint lists it, with the hold count ZFS keeps for snapshots. */
export interface ListedVersion extends FilesystemVersion {
  /** Number of user holds (ZFS's `userrefs`); a held snapshot cannot be destroyed. */
  userRefs: number;
}

/** The separator ZFS puts between a filesystem and a version of this type. */
export function versionSeparator(type: VersionType): '@' | '#' {
  return type === 'snapshot' ? '@' : '#';
}

/** The full ZFS name of a version of a filesystem, `pool/fs@snap` or `pool/fs#book`. */
export function versionFullName(filesystem: string, version: Pick<FilesystemVersion, 'type' | 'name'>): string {
  return `${filesystem}${versionSeparator(version.type)}${version.name}`;
}

/** Orders versions by createTxg, a bookmark before a snapshot of the same txg, then by name. */
export function compareVersions(a: FilesystemVersion, b: FilesystemVersion): number {
  if (a.createTxg !== b.createTxg) return a.createTxg < b.createTxg ? -1 : 1;
  if (a.type !== b.type) return a.type === 'bookmark' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A short human form of a version for messages: `@name (guid 123, txg 45)`. */
export function describeVersion(v: FilesystemVersion): string {
  return `${versionSeparator(v.type)}${v.name} (guid ${v.guid}, txg ${v.createTxg})`;
}
