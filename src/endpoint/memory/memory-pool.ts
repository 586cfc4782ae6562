/**
 * An in-memory ZFS pool that implements {@link Endpoint} with ZFS's semantics: the embedded
 * default for demos and the model the engine's property tests run against.
 *
 * Calls do work proportional to what they are asked about; content is shared by reference between
 * a filesystem and its snapshots; a receive reads the whole stream before it changes anything, so
 * it is atomic by construction.
 */
import type { Readable } from 'node:stream';
import { EndpointError } from '../../domain/errors.js';
import { compareVersions, describeVersion, type FilesystemVersion, type ListedVersion } from '../../domain/version.js';
import { MAX_DATASET_NAME_LENGTH, parentFilesystem } from '../../domain/dataset-name.js';
import type { DestroyResult, Endpoint, EndpointCapabilities, FilesystemInfo, ForeignCursor, ReceiveRequest, ResumeTokenTarget, SendRequest } from '../endpoint.js';
import { assertJobId, cursorBookmarkName, cursorPropertyName, parseCursorBookmarkName, PLACEHOLDER_PROPERTY } from '../cursor.js';
import { jobOfCursorProperty } from '../cursor-property-job.js';
import { checkDatasetName, throwIfAborted, untilAborted } from '../endpoint-guards.js';
import { filteredSender, type FilesystemMatcher } from '../filtered-sender.js';
import { rootedReceiver } from '../rooted-receiver.js';
import { datasetExistsError, missingRootError, missingRootParentError } from '../receive-refusals.js';
import { bufferReadable, collectBytes } from './byte-stream.js';
import {
  addSnapshot,
  bookmarkByGuid,
  EMPTY_CONTENT,
  isPlaceholder,
  listedBookmark,
  listedSnapshot,
  newFilesystem,
  removeSnapshot,
  snapshotByGuid,
  snapshotHolds,
  snapshotProperties,
  versionOf,
  type BookmarkRecord,
  type Content,
  type FilesystemRecord,
  type SnapshotRecord,
} from './datasets.js';
import { createGuidGenerator } from './guid-generator.js';
import { CallLog, FaultInjector, type EndpointMethod } from './faults.js';
import { decodeResumeToken, encodeResumeToken } from './resume-token.js';
import {
  applyChanges,
  contentChanges,
  decodeHeader,
  decodeResumePrefix,
  decodeStream,
  encodeResumedStream,
  encodeStream,
  RESUME_HEADER_LENGTH,
  StreamFormatError,
  type StreamHeader,
} from './stream-format.js';

/** Every feature on: what OpenZFS 2.x offers. */
export const ALL_CAPABILITIES: Readonly<EndpointCapabilities> = Object.freeze({
  sizeEstimates: true,
  bookmarks: true,
  resumableReceive: true,
  holds: true,
});

/** What zfs-fuse 0.7 offers: no bookmarks, no resumable receive, no `send -n` size estimates. */
export const ZFS_FUSE_CAPABILITIES: Readonly<EndpointCapabilities> = Object.freeze({
  sizeEstimates: false,
  bookmarks: false,
  resumableReceive: false,
  holds: true,
});

/** Options of {@link createMemoryPool}. */
export interface MemoryPoolOptions {
  /** Shown in logs as `memory:<name>`; `pool` by default. */
  name?: string;
  /** Seed of the guid generator; the same seed gives the same guids. Random when absent. */
  seed?: number | bigint;
  /** The clock that stamps `creation`; real time by default. */
  now?: () => Date;
  /** Features to turn off (all are on by default). */
  capabilities?: Partial<EndpointCapabilities>;
}

/** Options of the receiver view. */
export interface MemoryReceiverOptions {
  /** The filesystem below which every sender filesystem is placed; it must exist unless `createRootFs`. */
  rootFs: string;
  /** The job's filter: only replicas of filesystems it passes are listed, received into and pruned. */
  filter?: FilesystemMatcher | undefined;
  /** Create `rootFs` (its parent must exist) on the first receive when it is missing. */
  createRootFs?: boolean | undefined;
}

/** Options of the sender view. */
export interface MemorySenderOptions {
  /** Serve only the filesystems this matches (all when absent). */
  filter?: FilesystemMatcher;
}

/** Bytes or text to write into a file. */
export type FileData = Uint8Array | string;

/** Creates an empty in-memory pool. */
export function createMemoryPool(options: MemoryPoolOptions = {}): MemoryPool {
  return new MemoryPool(options);
}

interface StreamFaults {
  truncateAfter?: number | undefined;
  slow?: { bytesPerChunk: number; delayMs: number } | undefined;
}

/** The in-memory pool: an Endpoint over the whole pool with identity names, plus an admin API. */
export class MemoryPool implements Endpoint {
  readonly name: string;
  /** Faults armed for the pool's Endpoint calls (its views included). */
  readonly faults = new FaultInjector();
  /** Every Endpoint call made to the pool (its views included). */
  readonly calls = new CallLog();

  private readonly caps: EndpointCapabilities;
  private readonly filesystemsByPath = new Map<string, FilesystemRecord>();
  private txg = 0n;
  private readonly nextGuid: () => bigint;
  private readonly now: () => Date;

  constructor(options: MemoryPoolOptions = {}) {
    this.name = `memory:${options.name ?? 'pool'}`;
    this.caps = { ...ALL_CAPABILITIES, ...options.capabilities };
    this.nextGuid = createGuidGeneratorFor(options.seed);
    this.now = options.now ?? (() => new Date());
  }

  // ---- views -------------------------------------------------------------------------------

  /** An Endpoint serving only the filesystems the filter matches. */
  sender(options: MemorySenderOptions = {}): Endpoint {
    return filteredSender(this, options.filter ?? { matches: () => true });
  }

  /**
   * An Endpoint that places sender path `p` at `<rootFs>/p` and never writes outside `rootFs`, as
   * a zfs receiver does: `rootFs` must exist (unless `createRootFs`), placeholders are made only
   * below it, and with `filter` only the replicas of filesystems it passes are listed and pruned.
   */
  receiver(options: MemoryReceiverOptions): Endpoint {
    const root = { rootFs: options.rootFs, create: options.createRootFs === true };
    // The pool itself, except that its receives know the root: every other call (present and
    // future Endpoint methods alike) goes to the pool with the pool as `this`.
    const confined = new Proxy<Endpoint>(this, {
      get: (pool: MemoryPool, property, receiver: unknown) => {
        if (property === 'receive') return (request: ReceiveRequest, signal: AbortSignal) => pool.receiveBelow(request, signal, root);
        const value: unknown = Reflect.get(pool, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(pool) : value;
      },
    });
    return rootedReceiver(confined, { rootFs: options.rootFs, filter: options.filter, createRootFs: options.createRootFs });
  }

  // ---- Endpoint ----------------------------------------------------------------------------

  async capabilities(signal: AbortSignal): Promise<EndpointCapabilities> {
    await this.begin('capabilities', undefined, signal);
    return { ...this.caps };
  }

  async listFilesystems(signal: AbortSignal): Promise<FilesystemInfo[]> {
    await this.begin('listFilesystems', undefined, signal);
    return this.filesystems().map((path) => {
      const fs = this.requireFilesystem(path);
      const info: FilesystemInfo = { path, placeholder: isPlaceholder(fs) };
      if (fs.partial !== undefined) {
        info.resumeToken = fs.partial.token;
        const point = decodeResumeToken(fs.partial.token);
        info.resumeTokenGuid = point?.toGuid;
        if (point !== undefined && point.fromGuid !== 0n) info.resumeTokenFromGuid = point.fromGuid;
      }
      return info;
    });
  }

  async listVersions(filesystems: readonly string[] | undefined, signal: AbortSignal): Promise<Map<string, ListedVersion[]>> {
    await this.begin('listVersions', filesystems, signal, () => filesystems?.forEach((fs) => checkDatasetName(fs, 'filesystem')));
    const out = new Map<string, ListedVersion[]>();
    for (const path of filesystems ?? this.filesystemsByPath.keys()) {
      const fs = this.filesystemsByPath.get(path);
      if (fs !== undefined) out.set(path, listVersionsOf(fs));
    }
    return out;
  }

  async estimateSendSize(request: SendRequest, signal: AbortSignal): Promise<number | undefined> {
    await this.begin('estimateSendSize', [request.filesystem], signal, () => checkSendRequest(request));
    if (!this.caps.sizeEstimates) return undefined;
    return this.streamBytes(request).length;
  }

  async send(request: SendRequest, signal: AbortSignal): Promise<Readable> {
    const faults = await this.begin('send', [request.filesystem], signal, () => checkSendRequest(request));
    const bytes = this.streamBytes(request);
    return bufferReadable(bytes, {
      signal,
      what: `send of ${request.filesystem}@${request.to.name}`,
      truncateAfter: faults.truncateAfter,
      slow: faults.slow,
    });
  }

  async receive(request: ReceiveRequest, signal: AbortSignal): Promise<void> {
    return this.receiveBelow(request, signal, undefined);
  }

  /** A receive that creates placeholders only strictly below `root` (the pool when absent), which must exist. */
  private async receiveBelow(request: ReceiveRequest, signal: AbortSignal, root: { rootFs: string; create: boolean } | undefined): Promise<void> {
    const path = request.filesystem;
    let faults: StreamFaults;
    try {
      faults = await this.begin('receive', [path], signal, () => {
        checkDatasetName(path, 'filesystem');
        checkDatasetName(`${path}@${request.to.name}`, 'snapshot');
        if (root !== undefined) this.checkReceiveRoot(path, root);
      });
    } catch (error) {
      // The sender must not wait forever on a stream nobody reads.
      request.stream.destroy();
      throw error;
    }
    const collected = await collectBytes(request.stream, signal, `receive into ${path}`, faults.truncateAfter);
    // From here on everything is synchronous: the receive either completes or changes nothing.
    this.applyReceive(request, collected.bytes, collected.error);
  }

  async listReplicationCursors(jobId: string, signal: AbortSignal): Promise<Map<string, FilesystemVersion>> {
    await this.begin('listReplicationCursors', undefined, signal, () => checkJobId(jobId));
    const out = new Map<string, FilesystemVersion>();
    for (const [path, fs] of this.filesystemsByPath) {
      const cursor = this.cursorOf(fs, jobId);
      if (cursor !== undefined) out.set(path, cursor);
    }
    return out;
  }

  async listForeignCursors(jobId: string, signal: AbortSignal): Promise<Map<string, ForeignCursor[]>> {
    await this.begin('listForeignCursors', undefined, signal, () => checkJobId(jobId));
    const out = new Map<string, ForeignCursor[]>();
    for (const [path, fs] of this.filesystemsByPath) {
      const found: ForeignCursor[] = [];
      for (const b of fs.bookmarks.values()) {
        const parsed = parseCursorBookmarkName(b.name);
        if (parsed !== undefined && parsed.jobId !== jobId) found.push({ jobId: parsed.jobId, guid: parsed.guid, type: 'bookmark', name: b.name });
      }
      for (const snap of fs.snapshots) {
        for (const [property, value] of snap.properties ?? []) {
          const owner = jobOfCursorProperty(property);
          if (owner !== undefined && owner !== jobId && value === 'on') found.push({ jobId: owner, guid: snap.guid, type: 'snapshot', name: snap.name });
        }
      }
      if (found.length > 0) out.set(path, found);
    }
    return out;
  }

  async setReplicationCursor(filesystem: string, version: FilesystemVersion, jobId: string, signal: AbortSignal): Promise<void> {
    await this.begin('setReplicationCursor', [filesystem], signal, () => {
      checkDatasetName(filesystem, 'filesystem');
      checkJobId(jobId);
    });
    const fs = this.requireFilesystem(filesystem);
    const fullName = `${filesystem}${version.type === 'snapshot' ? '@' : '#'}${version.name}`;
    const target = version.type === 'snapshot' ? snapshotByGuid(fs, version.guid) : bookmarkByGuid(fs, version.guid);
    if (target === undefined) {
      throw new EndpointError(`cannot set replication cursor: ${fullName} (guid ${version.guid}) does not exist`, {
        kind: 'dataset-not-found',
        dataset: fullName,
      });
    }
    if (this.caps.bookmarks) {
      const name = cursorBookmarkName(target.guid, jobId);
      if (!fs.bookmarks.has(name)) {
        fs.bookmarks.set(name, { name, guid: target.guid, createTxg: target.createTxg, creation: target.creation, content: target.content });
      }
      for (const b of [...fs.bookmarks.values()]) {
        if (b.name !== name && b.createTxg <= target.createTxg && parseCursorBookmarkName(b.name)?.jobId === jobId) fs.bookmarks.delete(b.name);
      }
      return;
    }
    const snapshot = version.type === 'snapshot' ? snapshotByGuid(fs, version.guid) : undefined;
    if (snapshot === undefined) {
      throw new EndpointError(`cannot set a replication cursor on bookmark ${fullName}: this pool has no bookmarks`, {
        kind: 'unsupported',
        dataset: fullName,
      });
    }
    const property = cursorPropertyName(jobId);
    for (const s of fs.snapshots) s.properties?.delete(property);
    snapshotProperties(snapshot).set(property, 'on');
  }

  async hold(filesystem: string, snapshot: string, tag: string, signal: AbortSignal): Promise<void> {
    await this.begin('hold', [filesystem], signal, () => checkHoldArguments(filesystem, snapshot, tag));
    this.requireHolds(`${filesystem}@${snapshot}`);
    snapshotHolds(this.requireSnapshot(filesystem, snapshot)).add(tag);
  }

  async release(filesystem: string, snapshot: string, tag: string, signal: AbortSignal): Promise<void> {
    await this.begin('release', [filesystem], signal, () => checkHoldArguments(filesystem, snapshot, tag));
    this.requireHolds(`${filesystem}@${snapshot}`);
    this.requireSnapshot(filesystem, snapshot).holds?.delete(tag);
  }

  async destroySnapshots(filesystem: string, snapshots: readonly string[], signal: AbortSignal): Promise<DestroyResult[]> {
    await this.begin('destroySnapshots', [filesystem], signal, () => {
      checkDatasetName(filesystem, 'filesystem');
      for (const s of snapshots) checkDatasetName(`${filesystem}@${s}`, 'snapshot');
    });
    if (snapshots.length === 0) return [];
    this.requireFilesystem(filesystem);
    return snapshots.map((name) => {
      try {
        this.destroySnapshot(filesystem, name);
        return { name };
      } catch (error) {
        return { name, error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
  }

  /**
   * Where a token leads, as a sender reads it: the memory pool's tokens carry the snapshot's guid and
   * name but not its filesystem, so the filesystem is the one of this pool holding that guid; a
   * token to no snapshot here leads nowhere (`resume-token-stale`).
   */
  async describeResumeToken(token: string, signal: AbortSignal): Promise<ResumeTokenTarget> {
    await this.begin('describeResumeToken', undefined, signal);
    const point = decodeResumeToken(token);
    if (point === undefined) throw new EndpointError('resume token is corrupt', { kind: 'resume-token-stale' });
    for (const [path, fs] of this.filesystemsByPath) {
      if (snapshotByGuid(fs, point.toGuid) !== undefined) {
        return { filesystem: path, snapshot: point.toName, toGuid: point.toGuid, ...(point.fromGuid !== 0n ? { fromGuid: point.fromGuid } : {}) };
      }
    }
    throw new EndpointError(`cannot resume send: '@${point.toName}' used in the initial send no longer exists`, { kind: 'resume-token-stale' });
  }

  /** `zfs receive -A`: drops the partial stream; a filesystem that only the partial full receive made goes with it. */
  async abortPartialReceive(filesystem: string, signal: AbortSignal): Promise<void> {
    await this.begin('abortPartialReceive', [filesystem], signal, () => checkDatasetName(filesystem, 'filesystem'));
    const fs = this.filesystemsByPath.get(filesystem);
    if (fs?.partial === undefined) return;
    fs.partial = undefined;
    const hasChildren = [...this.filesystemsByPath.keys()].some((p) => p.startsWith(`${filesystem}/`));
    if (fs.snapshots.length === 0 && !isPlaceholder(fs) && !hasChildren) this.filesystemsByPath.delete(filesystem);
  }

  async createSnapshots(filesystems: readonly string[], snapshot: string, signal: AbortSignal): Promise<void> {
    await this.begin('createSnapshots', filesystems, signal, () => this.checkSnapshotNames(filesystems, snapshot));
    const targets = [...new Set(filesystems)].map((path) => this.requireFilesystem(path));
    for (const fs of targets) {
      if (fs.snapshotsByName.has(snapshot)) {
        throw new EndpointError(`snapshot ${fs.path}@${snapshot} already exists`, { kind: 'dataset-exists', dataset: `${fs.path}@${snapshot}` });
      }
    }
    // Like `zfs snapshot` of several datasets: all in one transaction group.
    const txg = this.nextTxg();
    const creation = this.now();
    for (const fs of targets) this.addNewSnapshot(fs, snapshot, txg, creation);
  }

  // ---- admin API (tests and demos; not part of Endpoint) -----------------------------------

  /** Creates a filesystem and any missing parents (like `zfs create -p`). */
  createFilesystem(path: string, options: { properties?: Record<string, string> } = {}): void {
    checkDatasetName(path, 'filesystem');
    if (this.filesystemsByPath.has(path)) {
      throw new EndpointError(`filesystem ${path} already exists`, { kind: 'dataset-exists', dataset: path });
    }
    const properties = Object.entries(options.properties ?? {});
    for (const [name] of properties) checkPropertyName(name, path);
    this.createWithParents(path, false).properties = new Map(properties);
  }

  /** Writes a file into a filesystem's live content (copying the bytes). */
  write(filesystem: string, file: string, data: FileData): void {
    checkFileName(filesystem, file);
    const fs = this.requireFilesystem(filesystem);
    const next = new Map(fs.content);
    next.set(file, typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
    fs.content = next;
  }

  /** Deletes a file from a filesystem's live content; deleting a missing file does nothing. */
  removeFile(filesystem: string, file: string): void {
    const fs = this.requireFilesystem(filesystem);
    if (!fs.content.has(file)) return;
    const next = new Map(fs.content);
    next.delete(file);
    fs.content = next;
  }

  /** A copy of a filesystem's live content. */
  content(filesystem: string): Map<string, Buffer> {
    return copyContent(this.requireFilesystem(filesystem).content);
  }

  /** A copy of a snapshot's content. */
  snapshotContent(filesystem: string, snapshot: string): Map<string, Buffer> {
    return copyContent(this.requireSnapshot(filesystem, snapshot).content);
  }

  /** Takes a snapshot of one filesystem in its own transaction group. */
  snapshot(filesystem: string, name: string, options: { properties?: Record<string, string> } = {}): ListedVersion {
    checkDatasetName(`${filesystem}@${name}`, 'snapshot');
    const fs = this.requireFilesystem(filesystem);
    if (fs.snapshotsByName.has(name)) {
      throw new EndpointError(`snapshot ${filesystem}@${name} already exists`, { kind: 'dataset-exists', dataset: `${filesystem}@${name}` });
    }
    const properties = Object.entries(options.properties ?? {});
    for (const [p] of properties) checkPropertyName(p, `${filesystem}@${name}`);
    const snap = this.addNewSnapshot(fs, name, this.nextTxg(), this.now());
    for (const [p, v] of properties) snapshotProperties(snap).set(p, v);
    return listedSnapshot(snap);
  }

  /** Destroys one snapshot; fails `snapshot-held` while it has holds. */
  destroySnapshot(filesystem: string, name: string): void {
    const snap = this.requireSnapshot(filesystem, name);
    if (snap.holds !== undefined && snap.holds.size > 0) {
      throw new EndpointError(`cannot destroy ${filesystem}@${name}: held by ${[...snap.holds].join(', ')}`, {
        kind: 'snapshot-held',
        dataset: `${filesystem}@${name}`,
      });
    }
    removeSnapshot(this.requireFilesystem(filesystem), snap);
  }

  /** Creates a bookmark of a snapshot (same guid, txg and creation). */
  bookmark(filesystem: string, snapshot: string, bookmark: string): FilesystemVersion {
    checkDatasetName(`${filesystem}#${bookmark}`, 'bookmark');
    if (!this.caps.bookmarks) {
      throw new EndpointError(`cannot create ${filesystem}#${bookmark}: this pool has no bookmarks`, {
        kind: 'unsupported',
        dataset: `${filesystem}#${bookmark}`,
      });
    }
    const snap = this.requireSnapshot(filesystem, snapshot);
    const fs = this.requireFilesystem(filesystem);
    if (fs.bookmarks.has(bookmark)) {
      throw new EndpointError(`bookmark ${filesystem}#${bookmark} already exists`, { kind: 'dataset-exists', dataset: `${filesystem}#${bookmark}` });
    }
    const record: BookmarkRecord = { name: bookmark, guid: snap.guid, createTxg: snap.createTxg, creation: snap.creation, content: snap.content };
    fs.bookmarks.set(bookmark, record);
    return versionOf('bookmark', record);
  }

  /** Sets a user property on a filesystem (`pool/fs`) or snapshot (`pool/fs@snap`). */
  setProperty(dataset: string, property: string, value: string): void {
    checkPropertyName(property, dataset);
    this.propertiesOf(dataset).set(property, value);
  }

  /** A user property of a filesystem or snapshot, or undefined when unset. */
  getProperty(dataset: string, property: string): string | undefined {
    return this.propertiesOf(dataset).get(property);
  }

  /** Every filesystem's path, sorted. */
  filesystems(): string[] {
    return [...this.filesystemsByPath.keys()].sort();
  }

  /** True when the filesystem exists. */
  hasFilesystem(path: string): boolean {
    return this.filesystemsByPath.has(path);
  }

  /** A filesystem's snapshots and bookmarks in createTxg order. */
  versions(filesystem: string): ListedVersion[] {
    return listVersionsOf(this.requireFilesystem(filesystem));
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Records the call, checks the signal and the arguments, then applies armed faults. */
  private async begin(
    call: EndpointMethod,
    filesystems: readonly string[] | undefined,
    signal: AbortSignal,
    validate?: () => void,
  ): Promise<StreamFaults> {
    this.calls.record(call, filesystems);
    const dataset = filesystems?.length === 1 ? filesystems[0] : undefined;
    throwIfAborted(signal, call, dataset);
    validate?.();
    const stream: StreamFaults = {};
    for (const effect of this.faults.take(call, filesystems)) {
      switch (effect.type) {
        case 'run':
          effect.action();
          break;
        case 'error':
          throw new EndpointError(`injected ${effect.errorClass} fault in ${call}`, {
            kind: 'injected',
            errorClass: effect.errorClass,
            ...(dataset === undefined ? {} : { dataset }),
          });
        case 'hang':
          await untilAborted(signal, call, dataset);
          break;
        case 'truncate':
          stream.truncateAfter = effect.afterBytes;
          break;
        case 'slow':
          stream.slow = { bytesPerChunk: effect.bytesPerChunk, delayMs: effect.delayMs };
          break;
      }
    }
    throwIfAborted(signal, call, dataset);
    return stream;
  }

  /**
   * Validates `fs@snapshot` for many filesystems: the snapshot part once, and for filesystems the
   * pool already holds (validated when created) only the combined length, which keeps snapshotting
   * thousands of filesystems cheap.
   */
  private checkSnapshotNames(filesystems: readonly string[], snapshot: string): void {
    const first = filesystems[0];
    if (first === undefined) return;
    checkDatasetName(`${first}@${snapshot}`, 'snapshot');
    const snapshotBytes = Buffer.byteLength(snapshot, 'utf8') + 1;
    for (const fs of filesystems) {
      if (!this.filesystemsByPath.has(fs) || fs.length * 3 + snapshotBytes >= MAX_DATASET_NAME_LENGTH) {
        checkDatasetName(`${fs}@${snapshot}`, 'snapshot');
      }
    }
  }

  private nextTxg(): bigint {
    this.txg += 1n;
    return this.txg;
  }

  private addNewSnapshot(fs: FilesystemRecord, name: string, txg: bigint, creation: Date): SnapshotRecord {
    const snap: SnapshotRecord = { name, guid: this.nextGuid(), createTxg: txg, creation, content: fs.content };
    addSnapshot(fs, snap);
    return snap;
  }

  private requireFilesystem(path: string): FilesystemRecord {
    const fs = this.filesystemsByPath.get(path);
    if (fs === undefined) throw new EndpointError(`filesystem ${path} does not exist`, { kind: 'dataset-not-found', dataset: path });
    return fs;
  }

  private requireSnapshot(filesystem: string, name: string): SnapshotRecord {
    const snap = this.requireFilesystem(filesystem).snapshotsByName.get(name);
    if (snap === undefined) {
      throw new EndpointError(`snapshot ${filesystem}@${name} does not exist`, { kind: 'dataset-not-found', dataset: `${filesystem}@${name}` });
    }
    return snap;
  }

  private requireHolds(dataset: string): void {
    if (!this.caps.holds) throw new EndpointError(`cannot hold or release ${dataset}: this pool has no holds`, { kind: 'unsupported', dataset });
  }

  private propertiesOf(dataset: string): Map<string, string> {
    const at = dataset.indexOf('@');
    if (at < 0) return this.requireFilesystem(dataset).properties;
    return snapshotProperties(this.requireSnapshot(dataset.slice(0, at), dataset.slice(at + 1)));
  }

  /** Refuses a receive outside the root, or below a missing root that it may not create; creates it when it may. */
  private checkReceiveRoot(path: string, root: { rootFs: string; create: boolean }): void {
    if (!path.startsWith(`${root.rootFs}/`)) {
      throw new EndpointError(`cannot receive into ${path}: it is not below the receiver root ${root.rootFs}`, { kind: 'outside-root', dataset: path });
    }
    if (this.filesystemsByPath.has(root.rootFs)) return;
    if (!root.create) throw missingRootError(root.rootFs);
    const parent = parentFilesystem(root.rootFs);
    if (parent !== undefined && !this.filesystemsByPath.has(parent)) throw missingRootParentError(root.rootFs, parent);
    this.filesystemsByPath.set(root.rootFs, newFilesystem(root.rootFs, [[PLACEHOLDER_PROPERTY, 'on']]));
  }

  /** Creates `path` and its missing ancestors; ancestors get the placeholder property when asked. */
  private createWithParents(path: string, placeholderParents: boolean): FilesystemRecord {
    const missing: string[] = [];
    for (let p: string | undefined = parentFilesystem(path); p !== undefined && !this.filesystemsByPath.has(p); p = parentFilesystem(p)) {
      missing.push(p);
    }
    for (const p of missing.reverse()) {
      this.filesystemsByPath.set(p, newFilesystem(p, placeholderParents ? [[PLACEHOLDER_PROPERTY, 'on']] : []));
    }
    const fs = newFilesystem(path);
    this.filesystemsByPath.set(path, fs);
    return fs;
  }

  /** The stream a send request produces, resumed from the token's offset when it has one. */
  private streamBytes(request: SendRequest): Buffer {
    const fs = this.requireFilesystem(request.filesystem);
    if (request.resumeToken !== undefined) {
      if (!this.caps.resumableReceive) {
        throw new EndpointError('cannot resume a send: this pool has no resumable streams', { kind: 'unsupported', dataset: request.filesystem });
      }
      const point = decodeResumeToken(request.resumeToken);
      if (point === undefined) {
        throw new EndpointError(`resume token ${JSON.stringify(request.resumeToken)} is not one this pool understands`, {
          kind: 'stream-broken',
          errorClass: 'permanent',
          dataset: request.filesystem,
        });
      }
      const to = snapshotByGuid(fs, point.toGuid);
      if (to === undefined) {
        throw new EndpointError(`cannot resume: snapshot ${request.filesystem}@${point.toName} (guid ${point.toGuid}) no longer exists`, {
          kind: 'dataset-not-found',
          dataset: `${request.filesystem}@${point.toName}`,
        });
      }
      const from = point.fromGuid === 0n ? undefined : (snapshotByGuid(fs, point.fromGuid) ?? bookmarkByGuid(fs, point.fromGuid));
      if (point.fromGuid !== 0n && from === undefined) {
        throw new EndpointError(`cannot resume: the incremental base (guid ${point.fromGuid}) of ${request.filesystem} no longer exists`, {
          kind: 'dataset-not-found',
          dataset: request.filesystem,
        });
      }
      const original = encodeSendStream(to, from);
      if (point.offset > original.length) {
        throw new EndpointError(`resume token offset ${point.offset} is beyond the stream's ${original.length} bytes`, {
          kind: 'stream-broken',
          errorClass: 'permanent',
          dataset: request.filesystem,
        });
      }
      return encodeResumedStream(to.guid, point.offset, original);
    }
    const toName = `${request.filesystem}@${request.to.name}`;
    const to = fs.snapshotsByName.get(request.to.name);
    if (to === undefined || to.guid !== request.to.guid) {
      throw new EndpointError(`cannot send ${toName} (guid ${request.to.guid}): it does not exist`, { kind: 'dataset-not-found', dataset: toName });
    }
    let from: SnapshotRecord | BookmarkRecord | undefined;
    if (request.from !== undefined) {
      const f = request.from;
      const fromName = `${request.filesystem}${f.type === 'snapshot' ? '@' : '#'}${f.name}`;
      from = f.type === 'snapshot' ? fs.snapshotsByName.get(f.name) : fs.bookmarks.get(f.name);
      if (from === undefined || from.guid !== f.guid) {
        throw new EndpointError(`cannot send from ${fromName} (guid ${f.guid}): it does not exist`, { kind: 'dataset-not-found', dataset: fromName });
      }
      if (from.createTxg >= to.createTxg) {
        throw new EndpointError(`cannot send from ${fromName} to ${toName}: the incremental source must be older than the target`, {
          kind: 'unknown',
          errorClass: 'permanent',
          dataset: toName,
        });
      }
    }
    return encodeSendStream(to, from);
  }

  private applyReceive(request: ReceiveRequest, raw: Buffer, streamError: unknown): void {
    const path = request.filesystem;
    const broken = (reason: string, cause: unknown, errorClass: 'transient' | 'permanent' = 'transient'): EndpointError =>
      new EndpointError(`receive into ${path} failed: ${reason}`, { kind: 'stream-broken', errorClass, dataset: path, cause });
    let fs = this.filesystemsByPath.get(path);

    let bytes = raw;
    let resume: { toGuid: bigint; offset: number } | undefined;
    try {
      resume = decodeResumePrefix(raw);
    } catch (error) {
      throw broken(errorText(error), streamError ?? error);
    }
    if (resume !== undefined) {
      const partial = fs?.partial;
      if (partial === undefined || partial.toGuid !== resume.toGuid || partial.bytes.length !== resume.offset) {
        throw broken(`the resumed stream (guid ${resume.toGuid}, offset ${resume.offset}) does not continue the partial receive`, streamError, 'permanent');
      }
      bytes = Buffer.concat([partial.bytes, raw.subarray(RESUME_HEADER_LENGTH)]);
    }

    let header: StreamHeader;
    try {
      header = decodeHeader(bytes).header;
    } catch (error) {
      throw broken(errorText(error), streamError ?? error);
    }
    if (header.toGuid !== request.to.guid || header.toName !== request.to.name) {
      throw broken(
        `the stream carries @${header.toName} (guid ${header.toGuid}) but the request names ${describeVersion(request.to)}`,
        streamError,
        'permanent',
      );
    }
    const newest = fs?.snapshots.at(-1);
    if (header.kind === 'full' && fs !== undefined && newest !== undefined) {
      throw datasetExistsError(path, `has snapshots (newest @${newest.name})`);
    }
    // Like zfs's `-F`, which xrepl uses only onto its own placeholders and interrupted receives.
    if (header.kind === 'full' && fs !== undefined && !isPlaceholder(fs) && fs.partial === undefined) {
      throw datasetExistsError(path, 'is not a placeholder xrepl made (it has no local xrepl:placeholder=on)');
    }
    // As OpenZFS: a fresh incremental onto a filesystem holding a partial receive fails (EBUSY,
    // 'destination ... contains partially-complete state from "zfs receive -s".') until the
    // partial state is resumed or discarded with `zfs receive -A`.
    if (resume === undefined && header.kind === 'incremental' && fs?.partial !== undefined) {
      throw new EndpointError(`cannot receive incremental stream: destination ${path} contains partially-complete state from "zfs receive -s".`, {
        kind: 'partial-receive-state',
        dataset: path,
      });
    }
    if (header.kind === 'incremental') {
      if (fs === undefined) {
        throw new EndpointError(`cannot receive an incremental stream into ${path}: it does not exist`, { kind: 'dataset-not-found', dataset: path });
      }
      if (newest === undefined || newest.guid !== header.fromGuid) {
        throw new EndpointError(
          `cannot receive @${header.toName} into ${path}: the stream's base guid ${header.fromGuid} is not the newest snapshot ` +
            `(${newest === undefined ? 'there is none' : `@${newest.name}, guid ${newest.guid}`})`,
          { kind: 'incremental-base-mismatch', dataset: path },
        );
      }
    }
    if (fs?.snapshotsByName.has(header.toName)) {
      throw new EndpointError(`cannot receive ${path}@${header.toName}: it already exists`, { kind: 'dataset-exists', dataset: `${path}@${header.toName}` });
    }

    let changes;
    try {
      changes = decodeStream(bytes).changes;
    } catch (error) {
      if (error instanceof StreamFormatError && error.truncated && this.caps.resumableReceive) {
        const target = fs ?? this.createWithParents(path, true);
        const token = encodeResumeToken({ toGuid: header.toGuid, fromGuid: header.fromGuid, toName: header.toName, offset: bytes.length });
        target.partial = { bytes, toGuid: header.toGuid, token };
      }
      throw broken(errorText(error), streamError ?? error);
    }

    const base: Content = header.kind === 'full' || newest === undefined ? EMPTY_CONTENT : newest.content;
    const content = applyChanges(base, changes);
    fs ??= this.createWithParents(path, true);
    if (header.kind === 'full') fs.properties.delete(PLACEHOLDER_PROPERTY);
    const snap: SnapshotRecord = {
      name: header.toName,
      guid: header.toGuid,
      createTxg: this.nextTxg(),
      creation: header.creation,
      content,
    };
    addSnapshot(fs, snap);
    fs.content = content;
    fs.partial = undefined;
  }

  private cursorOf(fs: FilesystemRecord, jobId: string): FilesystemVersion | undefined {
    if (this.caps.bookmarks) {
      let best: BookmarkRecord | undefined;
      for (const b of fs.bookmarks.values()) {
        if ((best === undefined || b.createTxg > best.createTxg) && parseCursorBookmarkName(b.name)?.jobId === jobId) best = b;
      }
      if (best === undefined) return undefined;
      const snap = snapshotByGuid(fs, best.guid);
      return snap !== undefined ? versionOf('snapshot', snap) : versionOf('bookmark', best);
    }
    const property = cursorPropertyName(jobId);
    for (let i = fs.snapshots.length - 1; i >= 0; i--) {
      const s = fs.snapshots[i];
      if (s !== undefined && s.properties?.get(property) === 'on') return versionOf('snapshot', s);
    }
    return undefined;
  }
}

function createGuidGeneratorFor(seed: number | bigint | undefined): () => bigint {
  return createGuidGenerator(seed ?? BigInt(Math.floor(Math.random() * 2 ** 52)));
}

function encodeSendStream(to: SnapshotRecord, from: SnapshotRecord | BookmarkRecord | undefined): Buffer {
  const header: StreamHeader = {
    kind: from === undefined ? 'full' : 'incremental',
    fromGuid: from?.guid ?? 0n,
    toGuid: to.guid,
    toName: to.name,
    creation: to.creation,
  };
  return encodeStream(header, contentChanges(from?.content ?? EMPTY_CONTENT, to.content));
}

function listVersionsOf(fs: FilesystemRecord): ListedVersion[] {
  const snapshots = fs.snapshots.map(listedSnapshot);
  if (fs.bookmarks.size === 0) return snapshots;
  return [...snapshots, ...[...fs.bookmarks.values()].map(listedBookmark)].sort(compareVersions);
}

function copyContent(content: Content): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [file, bytes] of content) out.set(file, Buffer.from(bytes));
  return out;
}

function checkSendRequest(request: SendRequest): void {
  checkDatasetName(request.filesystem, 'filesystem');
  checkDatasetName(`${request.filesystem}@${request.to.name}`, 'snapshot');
  if (request.from !== undefined) {
    checkDatasetName(`${request.filesystem}${request.from.type === 'snapshot' ? '@' : '#'}${request.from.name}`, request.from.type);
  }
}

function checkJobId(jobId: string): void {
  try {
    assertJobId(jobId);
  } catch (error) {
    throw new EndpointError(errorText(error), { kind: 'invalid-name', cause: error });
  }
}

function checkHoldArguments(filesystem: string, snapshot: string, tag: string): void {
  checkDatasetName(`${filesystem}@${snapshot}`, 'snapshot');
  if (tag.length === 0 || Buffer.byteLength(tag, 'utf8') > 255) {
    throw new EndpointError(`invalid hold tag ${JSON.stringify(tag)} on ${filesystem}@${snapshot}: use 1 to 255 bytes`, {
      kind: 'invalid-name',
      dataset: `${filesystem}@${snapshot}`,
    });
  }
}

function checkFileName(filesystem: string, file: string): void {
  if (file.length === 0 || Buffer.byteLength(file, 'utf8') > 255 || file.includes('/') || file.includes('\0')) {
    throw new RangeError(`invalid file name ${JSON.stringify(file)} in ${filesystem}: use 1 to 255 bytes without "/" or NUL`);
  }
}

function checkPropertyName(property: string, dataset: string): void {
  if (!/^[a-z0-9_.:-]+:[a-z0-9_.:-]*$/.test(property) || property.length > 255) {
    throw new RangeError(`invalid user property name ${JSON.stringify(property)} on ${dataset}: use lower-case "module:name"`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
