/**
 * The memory pool's records of filesystems, snapshots and bookmarks. Content is an immutable map
 * of file name to bytes: a write replaces the filesystem's map, and a snapshot keeps a reference
 * to the map it saw, so snapshots cost nothing however much data they share.
 */
import type { FilesystemVersion, ListedVersion } from '../../domain/version.js';
import { PLACEHOLDER_PROPERTY } from '../cursor.js';

/** A filesystem's files: name → bytes. Never mutated once shared. */
export type Content = ReadonlyMap<string, Buffer>;

/** The empty content every new filesystem starts with. */
export const EMPTY_CONTENT: Content = new Map();

/** A snapshot: a frozen reference to the content at its creation, plus holds and user properties. */
export interface SnapshotRecord {
  name: string;
  guid: bigint;
  createTxg: bigint;
  creation: Date;
  content: Content;
  /** Hold tags; absent until the first hold (a million empty Sets would cost seconds). */
  holds?: Set<string> | undefined;
  /** User properties; absent until the first one is set. */
  properties?: Map<string, string> | undefined;
}

/**
 * A bookmark. Real bookmarks hold no data; the model keeps the content reference so it can compute
 * an incremental stream from the bookmark as ZFS does from block birth times.
 */
export interface BookmarkRecord {
  name: string;
  guid: bigint;
  createTxg: bigint;
  creation: Date;
  content: Content;
}

/** A partially received stream kept for resuming. */
export interface PartialReceive {
  bytes: Buffer;
  toGuid: bigint;
  token: string;
}

/** A filesystem with its live content, versions and properties. */
export interface FilesystemRecord {
  path: string;
  properties: Map<string, string>;
  content: Content;
  /** In createTxg order (creation and receive always append with the pool's next txg). */
  snapshots: SnapshotRecord[];
  snapshotsByName: Map<string, SnapshotRecord>;
  bookmarks: Map<string, BookmarkRecord>;
  partial?: PartialReceive | undefined;
}

/** A new, empty filesystem record. */
export function newFilesystem(path: string, properties?: Iterable<[string, string]>): FilesystemRecord {
  return {
    path,
    properties: new Map(properties ?? []),
    content: EMPTY_CONTENT,
    snapshots: [],
    snapshotsByName: new Map(),
    bookmarks: new Map(),
  };
}

/**
 * True when xrepl created the filesystem as an empty parent: marked, and without a snapshot (real
 * received data always has one, so a mark left on by a crash never makes data a placeholder).
 */
export function isPlaceholder(fs: FilesystemRecord): boolean {
  return fs.properties.get(PLACEHOLDER_PROPERTY) === 'on' && fs.snapshots.length === 0;
}

/** The snapshot with this guid, if the filesystem has it. */
export function snapshotByGuid(fs: FilesystemRecord, guid: bigint): SnapshotRecord | undefined {
  for (let i = fs.snapshots.length - 1; i >= 0; i--) {
    const s = fs.snapshots[i];
    if (s !== undefined && s.guid === guid) return s;
  }
  return undefined;
}

/** The bookmark with this guid, if the filesystem has one. */
export function bookmarkByGuid(fs: FilesystemRecord, guid: bigint): BookmarkRecord | undefined {
  for (const b of fs.bookmarks.values()) if (b.guid === guid) return b;
  return undefined;
}

/** Removes a snapshot from both indexes. */
export function removeSnapshot(fs: FilesystemRecord, snapshot: SnapshotRecord): void {
  fs.snapshotsByName.delete(snapshot.name);
  const i = fs.snapshots.indexOf(snapshot);
  if (i >= 0) fs.snapshots.splice(i, 1);
}

/** Appends a snapshot (its txg must be the pool's newest). */
export function addSnapshot(fs: FilesystemRecord, snapshot: SnapshotRecord): void {
  fs.snapshots.push(snapshot);
  fs.snapshotsByName.set(snapshot.name, snapshot);
}

/** A snapshot as the Endpoint lists it. */
export function listedSnapshot(s: SnapshotRecord): ListedVersion {
  return { type: 'snapshot', name: s.name, guid: s.guid, createTxg: s.createTxg, creation: s.creation, userRefs: s.holds?.size ?? 0 };
}

/** A bookmark as the Endpoint lists it. */
export function listedBookmark(b: BookmarkRecord): ListedVersion {
  return { type: 'bookmark', name: b.name, guid: b.guid, createTxg: b.createTxg, creation: b.creation, userRefs: 0 };
}

/** Plain version of a record, without the list-only fields. */
export function versionOf(type: 'snapshot' | 'bookmark', r: SnapshotRecord | BookmarkRecord): FilesystemVersion {
  return { type, name: r.name, guid: r.guid, createTxg: r.createTxg, creation: r.creation };
}

/** A snapshot's user properties, created on first use. */
export function snapshotProperties(s: SnapshotRecord): Map<string, string> {
  s.properties ??= new Map();
  return s.properties;
}

/** A snapshot's hold tags, created on first use. */
export function snapshotHolds(s: SnapshotRecord): Set<string> {
  s.holds ??= new Set();
  return s.holds;
}
