/**
 * The Endpoint contract: behaviour every endpoint implementation (memory pool, real ZFS) must show.
 * It talks to the endpoints only through the Endpoint interface, and sets up data through a small
 * fixture that a real-ZFS implementation can provide with `zfs` commands and files in mountpoints.
 */
import { PassThrough, type Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointError, type EndpointErrorKind } from '../../src/domain/errors.js';
import type { FilesystemVersion, ListedVersion } from '../../src/domain/version.js';
import type { Endpoint, EndpointListing } from '../../src/endpoint/endpoint.js';
import { cursorBookmarkName } from '../../src/endpoint/cursor.js';
import type { FilesystemMatcher } from '../../src/endpoint/filtered-sender.js';

/** Which side of the replication a fixture call is about. */
export type FixtureSide = 'sender' | 'receiver';

/**
 * What the contract suite needs to set up and inspect data. Paths are in the sender's namespace
 * unless a method says otherwise.
 */
export interface EndpointFixture {
  /** Serves exactly the subtree of `base` (a filtered sender). */
  sender: Endpoint;
  /** Confined to `receiverRoot` (a rooted receiver); paths in the sender's namespace. */
  receiver: Endpoint;
  /** An existing sender filesystem, unique to this fixture, below which tests create theirs. */
  base: string;
  /** The receiver filesystem (in the receiver pool's own names) the receiver is rooted at. */
  receiverRoot: string;
  /** Creates a sender filesystem and any missing parents. */
  createFilesystem(path: string): Promise<void>;
  /** Writes a file (a plain name, no "/") into a sender filesystem's live data. */
  write(path: string, file: string, bytes: Uint8Array): Promise<void>;
  /** Deletes a file from a sender filesystem's live data. */
  remove(path: string, file: string): Promise<void>;
  /** Takes a snapshot of one sender filesystem. */
  snapshot(path: string, name: string): Promise<void>;
  /** The files (name → bytes) of a filesystem, or of one of its snapshots, on either side. */
  readContent(side: FixtureSide, path: string, snapshot?: string): Promise<Map<string, Buffer>>;
  /** Every filesystem of the receiver's pool, in the pool's own names (to check nothing lands outside the root). */
  receiverPoolFilesystems(): Promise<string[]>;
  /**
   * Creates a filesystem on the receiver's pool, in the pool's own names, with its missing parents
   * as plain filesystems: an operator's (with one file), or a placeholder as xrepl makes them.
   * Optional only so that fixtures written before it still compile; the receiver-safety cases need it.
   */
  createOnReceiverPool?(localPath: string, kind: { placeholder: true } | { placeholder: false; file: string; bytes: Uint8Array }): Promise<void>;
  /** A receiver on the same pool rooted at `localRoot` (the pool's own name), as a job with these options builds it. */
  receiverRootedAt?(localRoot: string, options: { filter?: FilesystemMatcher; createRootFs?: boolean }): Endpoint;
  /**
   * Optional, for endpoints that mark cursors on snapshots (no bookmarks): the snapshot names of a
   * sender filesystem that carry the job's cursor mark as the pool stores it, so a test can see
   * stray marks that listings hide.
   */
  cursorMarks?(path: string, jobId: string): Promise<string[]>;
  /** Removes everything the fixture created. */
  cleanup(): Promise<void>;
}

/** Makes a fresh fixture for each test. */
export type EndpointFixtureFactory = () => Promise<EndpointFixture>;

const signal = (): AbortSignal => new AbortController().signal;

async function rejectsWithKind(promise: Promise<unknown>, kind: EndpointErrorKind): Promise<EndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EndpointError);
  expect((error as EndpointError).kind).toBe(kind);
  return error as EndpointError;
}

async function rejectsWithKindIn(promise: Promise<unknown>, kinds: readonly EndpointErrorKind[]): Promise<EndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EndpointError);
  expect(kinds).toContain((error as EndpointError).kind);
  return error as EndpointError;
}

function bytesOf(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function contentAsObject(content: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...content].map(([k, v]) => [k, v.toString('hex')]));
}

/** Registers the Endpoint contract suite for one implementation. */
export function endpointContract(name: string, factory: EndpointFixtureFactory): void {
  describe(`Endpoint contract: ${name}`, () => {
    let fx: EndpointFixture;
    beforeEach(async () => {
      fx = await factory();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    const versionsOf = async (ep: Endpoint, path: string): Promise<ListedVersion[]> =>
      (await ep.listVersions([path], signal())).get(path) ?? [];
    const snapshotOf = async (ep: Endpoint, path: string, snap: string): Promise<ListedVersion> => {
      const v = (await versionsOf(ep, path)).find((x) => x.type === 'snapshot' && x.name === snap);
      if (v === undefined) throw new Error(`test setup: ${path}@${snap} not listed`);
      return v;
    };
    const replicate = async (path: string, to: FilesystemVersion, from?: FilesystemVersion): Promise<void> => {
      const stream = await fx.sender.send({ filesystem: path, to, from }, signal());
      await fx.receiver.receive({ filesystem: path, to, from, stream }, signal());
    };
    const withSnapshots = async (path: string, names: string[]): Promise<void> => {
      await fx.createFilesystem(path);
      for (const [i, n] of names.entries()) {
        await fx.write(path, `file-${i}`, bytesOf(i + 1, 1000 + i));
        await fx.snapshot(path, n);
      }
    };

    it('lists the filesystems it serves, and their snapshots in createTxg order with distinct guids', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2', 's3']);
      const listed = await fx.sender.listFilesystems(signal());
      expect(listed.map((f) => f.path)).toContain(a);
      const versions = (await versionsOf(fx.sender, a)).filter((v) => v.type === 'snapshot');
      expect(versions.map((v) => v.name)).toEqual(['s1', 's2', 's3']);
      expect(new Set(versions.map((v) => v.guid)).size).toBe(3);
      for (let i = 1; i < versions.length; i++) expect(versions[i]!.createTxg > versions[i - 1]!.createTxg).toBe(true);
      expect(versions.every((v) => v.userRefs === 0)).toBe(true);
    });

    it('leaves filesystems that do not exist out of listVersions', async () => {
      const result = await fx.sender.listVersions([`${fx.base}/missing`], signal());
      expect(result.has(`${fx.base}/missing`)).toBe(false);
    });

    it('refuses a filesystem outside the sender filter with kind not-allowed', async () => {
      await rejectsWithKind(fx.sender.listVersions([`${fx.base}_outside/x`], signal()), 'not-allowed');
    });

    it('replicates a full send byte for byte, keeping guid, name and creation', async () => {
      const a = `${fx.base}/a`;
      await fx.createFilesystem(a);
      await fx.write(a, 'big', bytesOf(7, 300_000));
      await fx.write(a, 'empty', new Uint8Array(0));
      await fx.snapshot(a, 's1');
      const s1 = await snapshotOf(fx.sender, a, 's1');
      await replicate(a, s1);
      const received = await snapshotOf(fx.receiver, a, 's1');
      expect(received.guid).toBe(s1.guid);
      expect(Math.floor(received.creation.getTime() / 1000)).toBe(Math.floor(s1.creation.getTime() / 1000));
      expect(contentAsObject(await fx.readContent('receiver', a, 's1'))).toEqual(contentAsObject(await fx.readContent('sender', a, 's1')));
    });

    it('replicates an incremental send, including changed and deleted files', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      await fx.write(a, 'extra', bytesOf(3, 5000));
      await fx.snapshot(a, 's2');
      await fx.remove(a, 'extra');
      await fx.write(a, 'file-0', bytesOf(99, 2000));
      await fx.snapshot(a, 's3');
      const [s1, s2, s3] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2'), await snapshotOf(fx.sender, a, 's3')];
      await replicate(a, s1);
      await replicate(a, s2, s1);
      await replicate(a, s3, s2);
      const names = (await versionsOf(fx.receiver, a)).filter((v) => v.type === 'snapshot').map((v) => v.name);
      expect(names).toEqual(['s1', 's2', 's3']);
      for (const snap of ['s2', 's3']) {
        expect(contentAsObject(await fx.readContent('receiver', a, snap))).toEqual(contentAsObject(await fx.readContent('sender', a, snap)));
      }
    });

    it('reports a size estimate where supported', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      const caps = await fx.sender.capabilities(signal());
      const size = await fx.sender.estimateSendSize({ filesystem: a, to: s1 }, signal());
      if (caps.sizeEstimates) expect(size).toBeGreaterThan(0);
      else expect(size).toBeUndefined();
    });

    it('refuses an incremental whose base is not the receiver newest snapshot, changing nothing', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2', 's3']);
      const [s1, s2, s3] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2'), await snapshotOf(fx.sender, a, 's3')];
      await replicate(a, s1);
      await replicate(a, s2, s1);
      // zfs-fuse says the base does not match; OpenZFS checks only that the target is unchanged
      // since the base, and the receive of s2 changed it: "destination has been modified".
      const refused = await rejectsWithKindIn(replicate(a, s3, s1), ['incremental-base-mismatch', 'destination-modified']);
      expect(refused.errorClass).toBe('permanent');
      const names = (await versionsOf(fx.receiver, a)).filter((v) => v.type === 'snapshot').map((v) => v.name);
      expect(names).toEqual(['s1', 's2']);
    });

    it('refuses a full receive into a filesystem that has snapshots', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2']);
      const [s1, s2] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2')];
      await replicate(a, s1);
      await rejectsWithKind(replicate(a, s2), 'dataset-exists');
    });

    it('creates missing parents on the receiver as placeholders', async () => {
      const leaf = `${fx.base}/p/q/leaf`;
      await withSnapshots(leaf, ['s1']);
      await replicate(leaf, await snapshotOf(fx.sender, leaf, 's1'));
      const listed = new Map((await fx.receiver.listFilesystems(signal())).map((f) => [f.path, f]));
      expect(listed.get(`${fx.base}/p`)?.placeholder).toBe(true);
      expect(listed.get(`${fx.base}/p/q`)?.placeholder).toBe(true);
      expect(listed.get(leaf)?.placeholder).toBe(false);
    });

    it('writes only below the receiver root and refuses the root itself as a target', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      const before = new Set(await fx.receiverPoolFilesystems());
      await replicate(a, s1);
      const added = (await fx.receiverPoolFilesystems()).filter((f) => !before.has(f));
      expect(added.length).toBeGreaterThan(0);
      for (const f of added) expect(f === fx.receiverRoot || f.startsWith(`${fx.receiverRoot}/`)).toBe(true);
      const stream = await fx.sender.send({ filesystem: a, to: s1 }, signal());
      await rejectsWithKind(fx.receiver.receive({ filesystem: '', to: s1, stream }, signal()), 'outside-root');
      stream.destroy();
    });

    it('refuses a full receive onto an existing filesystem that is not its placeholder (dataset-exists naming it) and writes nothing to it', async () => {
      if (fx.createOnReceiverPool === undefined) throw new Error('fixture lacks createOnReceiverPool');
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const local = `${fx.receiverRoot}/${a}`;
      const precious = bytesOf(42, 3000);
      await fx.createOnReceiverPool(local, { placeholder: false, file: 'precious', bytes: precious });
      const e = await rejectsWithKind(replicate(a, await snapshotOf(fx.sender, a, 's1')), 'dataset-exists');
      expect(e.message).toContain(local);
      expect(e.message).toMatch(/rename|destroy|root_fs/);
      expect(contentAsObject(await fx.readContent('receiver', a))).toEqual({ precious: Buffer.from(precious).toString('hex') });
      expect(await versionsOf(fx.receiver, a)).toEqual([]);
    });

    it('replaces its own placeholder with a full receive, which then lists as real data', async () => {
      if (fx.createOnReceiverPool === undefined) throw new Error('fixture lacks createOnReceiverPool');
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      await fx.createOnReceiverPool(`${fx.receiverRoot}/${a}`, { placeholder: true });
      expect((await fx.receiver.listFilesystems(signal())).find((f) => f.path === a)?.placeholder).toBe(true);
      await replicate(a, await snapshotOf(fx.sender, a, 's1'));
      expect((await fx.receiver.listFilesystems(signal())).find((f) => f.path === a)?.placeholder).toBe(false);
      expect(contentAsObject(await fx.readContent('receiver', a, 's1'))).toEqual(contentAsObject(await fx.readContent('sender', a, 's1')));
    });

    it('never creates a missing root_fs: listing and receiving fail dataset-not-found naming it, and nothing is created', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const missingRoot = `${fx.receiverRoot}/missing`;
      if (fx.receiverRootedAt === undefined) throw new Error('fixture lacks receiverRootedAt');
      const receiver = fx.receiverRootedAt(missingRoot, {});
      const listed = await rejectsWithKind(receiver.listFilesystems(signal()), 'dataset-not-found');
      expect(listed.message).toContain(missingRoot);
      const before = await fx.receiverPoolFilesystems();
      const s1 = await snapshotOf(fx.sender, a, 's1');
      const stream = await fx.sender.send({ filesystem: a, to: s1 }, signal());
      const received = await rejectsWithKind(receiver.receive({ filesystem: a, to: s1, stream }, signal()), 'dataset-not-found');
      expect(received.message).toContain(missingRoot);
      expect(await fx.receiverPoolFilesystems()).toEqual(before);
    });

    it('creates a missing root_fs only when asked to, and then receives below it', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const newRoot = `${fx.receiverRoot}/created`;
      if (fx.receiverRootedAt === undefined) throw new Error('fixture lacks receiverRootedAt');
      const receiver = fx.receiverRootedAt(newRoot, { createRootFs: true });
      expect(await receiver.listFilesystems(signal())).toEqual([]);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      await receiver.receive({ filesystem: a, to: s1, stream: await fx.sender.send({ filesystem: a, to: s1 }, signal()) }, signal());
      expect((await fx.receiverPoolFilesystems()).filter((f) => f === newRoot || f.startsWith(`${newRoot}/`))).toContain(`${newRoot}/${a}`);
      expect((await receiver.listVersions([a], signal())).get(a)?.map((v) => v.name)).toEqual(['s1']);
    });

    it("with the job's filter, lists and destroys only the replicas the filter passes", async () => {
      const [mine, other] = [`${fx.base}/mine`, `${fx.base}/other`];
      await withSnapshots(mine, ['s1']);
      await withSnapshots(other, ['s1']);
      await replicate(mine, await snapshotOf(fx.sender, mine, 's1'));
      await replicate(other, await snapshotOf(fx.sender, other, 's1'));
      if (fx.receiverRootedAt === undefined) throw new Error('fixture lacks receiverRootedAt');
      const confined = fx.receiverRootedAt(fx.receiverRoot, { filter: { matches: (p) => p === mine } });
      const paths = (await confined.listFilesystems(signal())).map((f) => f.path);
      expect(paths).toContain(mine);
      expect(paths).not.toContain(other);
      if (confined.listAll !== undefined) {
        const all = await confined.listAll('job1', signal());
        expect(all.filesystems.map((f) => f.path)).not.toContain(other);
        expect(all.versions.has(other)).toBe(false);
      }
      expect((await confined.listVersions(undefined, signal())).has(other)).toBe(false);
      await rejectsWithKind(confined.destroySnapshots(other, ['s1'], signal()), 'not-allowed');
      expect((await versionsOf(fx.receiver, other)).map((v) => v.name)).toEqual(['s1']);
    });

    it('sets and lists replication cursors per job, keeping one cursor per job', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2']);
      const [s1, s2] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2')];
      await fx.sender.setReplicationCursor(a, s1, 'job1', signal());
      expect((await fx.sender.listReplicationCursors('job1', signal())).get(a)?.guid).toBe(s1.guid);
      await fx.sender.setReplicationCursor(a, s2, 'job1', signal());
      await fx.sender.setReplicationCursor(a, s1, 'job2', signal());
      expect((await fx.sender.listReplicationCursors('job1', signal())).get(a)?.guid).toBe(s2.guid);
      expect((await fx.sender.listReplicationCursors('job2', signal())).get(a)?.guid).toBe(s1.guid);
      if ((await fx.sender.capabilities(signal())).bookmarks) {
        const job1Bookmarks = (await versionsOf(fx.sender, a)).filter((v) => v.type === 'bookmark' && v.name.endsWith('_J_job1'));
        expect(job1Bookmarks.map((b) => b.name)).toEqual([cursorBookmarkName(s2.guid, 'job1')]);
      }
    });

    /** What `listAll` must equal: the three separate listings, as an engine without it makes them. */
    const listedSeparately = async (ep: Endpoint, jobId: string): Promise<EndpointListing> => {
      const filesystems = await ep.listFilesystems(signal());
      const paths = filesystems.filter((f) => !f.placeholder).map((f) => f.path);
      const versions = paths.length > 0 ? await ep.listVersions(paths, signal()) : new Map<string, ListedVersion[]>();
      return { filesystems, versions, cursors: await ep.listReplicationCursors(jobId, signal()) };
    };
    const byPath = (l: EndpointListing): EndpointListing => ({ ...l, filesystems: [...l.filesystems].sort((x, y) => (x.path < y.path ? -1 : 1)) });
    const expectListAllAsSeparate = async (ep: Endpoint, jobId: string): Promise<EndpointListing> => {
      if (ep.listAll === undefined) throw new Error('test: listAll missing');
      const all = byPath(await ep.listAll(jobId, signal()));
      // Other jobs' cursors come along where they cost nothing; then they equal the separate call's.
      const { foreignCursors, ...listed } = all;
      expect(listed).toEqual(byPath(await listedSeparately(ep, jobId)));
      if (foreignCursors !== undefined && ep.listForeignCursors !== undefined) {
        expect(foreignCursors).toEqual(await ep.listForeignCursors(jobId, signal()));
      }
      return all;
    };

    it('answers listAll (where present) exactly as the three separate listings, also after cursors move', async () => {
      if (fx.sender.listAll === undefined || fx.receiver.listAll === undefined) {
        // A wrapper offers listAll only where its inner endpoint does, so an engine falls back alike.
        expect('listAll' in fx.sender).toBe(false);
        expect('listAll' in fx.receiver).toBe(false);
        return;
      }
      const [a, leaf] = [`${fx.base}/a`, `${fx.base}/p/q/leaf`];
      await withSnapshots(a, ['s1', 's2', 's3']);
      await withSnapshots(leaf, ['t1']);
      const [s1, s2, s3] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2'), await snapshotOf(fx.sender, a, 's3')];
      await replicate(a, s1);
      await replicate(a, s2, s1);
      await replicate(leaf, await snapshotOf(fx.sender, leaf, 't1'));
      const before = await expectListAllAsSeparate(fx.sender, 'job1');
      expect(before.cursors.size).toBe(0);
      await expectListAllAsSeparate(fx.receiver, 'job1');

      await fx.sender.setReplicationCursor(a, s1, 'job1', signal());
      await fx.sender.setReplicationCursor(a, s3, 'job2', signal());
      expect((await expectListAllAsSeparate(fx.sender, 'job1')).cursors.get(a)?.guid).toBe(s1.guid);
      await fx.sender.setReplicationCursor(a, s2, 'job1', signal(), s1);
      const moved = await expectListAllAsSeparate(fx.sender, 'job1');
      expect(moved.cursors.get(a)?.guid).toBe(s2.guid);
      expect((await expectListAllAsSeparate(fx.sender, 'job2')).cursors.get(a)?.guid).toBe(s3.guid);
      expect(moved.versions.get(a)?.filter((v) => v.type === 'snapshot').map((v) => v.name)).toEqual(['s1', 's2', 's3']);

      // The receiver's view: placeholders listed but without versions, paths in the sender's namespace.
      const receiverCursor = await snapshotOf(fx.receiver, a, 's2');
      await fx.receiver.setReplicationCursor(a, receiverCursor, 'job1', signal());
      const received = await expectListAllAsSeparate(fx.receiver, 'job1');
      expect(received.filesystems.find((f) => f.path === `${fx.base}/p`)?.placeholder).toBe(true);
      expect(received.versions.has(`${fx.base}/p`)).toBe(false);
      expect(received.versions.get(leaf)?.map((v) => v.name)).toEqual(['t1']);
      expect(received.cursors.get(a)?.guid).toBe(s2.guid);
    });

    it('keeps exactly one cursor of a job visible when it moves, with and without the previous one named', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2', 's3']);
      const [s1, s2, s3] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2'), await snapshotOf(fx.sender, a, 's3')];
      const bookmarks = (await fx.sender.capabilities(signal())).bookmarks;
      const expectOnly = async (v: ListedVersion): Promise<void> => {
        const cursors = await fx.sender.listReplicationCursors('job1', signal());
        expect([...cursors.keys()]).toEqual([a]);
        expect(cursors.get(a)?.guid).toBe(v.guid);
        if (bookmarks) {
          const job1Bookmarks = (await versionsOf(fx.sender, a)).filter((x) => x.type === 'bookmark' && x.name.endsWith('_J_job1'));
          expect(job1Bookmarks.map((b) => b.name)).toEqual([cursorBookmarkName(v.guid, 'job1')]);
        } else if (fx.cursorMarks !== undefined) {
          // Marks older than the cursor may stay (they only make the cursor look older); none is newer.
          const marks = await fx.cursorMarks(a, 'job1');
          expect(marks).toContain(v.name);
          const order = ['s1', 's2', 's3'];
          expect(marks.filter((m) => order.indexOf(m) > order.indexOf(v.name))).toEqual([]);
        }
      };
      await fx.sender.setReplicationCursor(a, s1, 'job1', signal());
      await expectOnly(s1);
      await fx.sender.setReplicationCursor(a, s2, 'job1', signal(), s1);
      await expectOnly(s2);
      await fx.sender.setReplicationCursor(a, s3, 'job1', signal());
      await expectOnly(s3);
      await fx.sender.setReplicationCursor(a, s3, 'job1', signal(), s3);
      await expectOnly(s3);
    });

    it('refuses a cursor on a snapshot that does not exist', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      await rejectsWithKind(fx.sender.setReplicationCursor(a, { ...s1, name: 'gone', guid: s1.guid + 1n }, 'job1', signal()), 'dataset-not-found');
    });

    it('sends incrementally from a cursor bookmark after its snapshot is destroyed (where bookmarks exist)', async () => {
      if (!(await fx.sender.capabilities(signal())).bookmarks) return;
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2']);
      const [s1, s2] = [await snapshotOf(fx.sender, a, 's1'), await snapshotOf(fx.sender, a, 's2')];
      await replicate(a, s1);
      await fx.sender.setReplicationCursor(a, s1, 'job1', signal());
      expect(await fx.sender.destroySnapshots(a, ['s1'], signal())).toEqual([{ name: 's1' }]);
      const cursor = (await fx.sender.listReplicationCursors('job1', signal())).get(a);
      expect(cursor?.type).toBe('bookmark');
      await replicate(a, s2, cursor);
      expect(contentAsObject(await fx.readContent('receiver', a, 's2'))).toEqual(contentAsObject(await fx.readContent('sender', a, 's2')));
    });

    it('keeps a held snapshot from being destroyed until released (where holds exist)', async () => {
      if (!(await fx.sender.capabilities(signal())).holds) return;
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      await fx.sender.hold(a, 's1', 'xrepl_test', signal());
      expect((await snapshotOf(fx.sender, a, 's1')).userRefs).toBe(1);
      const [result] = await fx.sender.destroySnapshots(a, ['s1'], signal());
      expect(result?.error).toBeInstanceOf(EndpointError);
      expect((result?.error as EndpointError).kind).toBe('snapshot-held');
      expect((await versionsOf(fx.sender, a)).some((v) => v.name === 's1')).toBe(true);
      await fx.sender.release(a, 's1', 'xrepl_test', signal());
      await fx.sender.release(a, 's1', 'xrepl_test', signal());
      expect(await fx.sender.destroySnapshots(a, ['s1'], signal())).toEqual([{ name: 's1' }]);
    });

    it('destroys snapshots with one result each, and an empty list does nothing', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1', 's2', 's3']);
      expect(await fx.sender.destroySnapshots(a, [], signal())).toEqual([]);
      expect((await versionsOf(fx.sender, a)).map((v) => v.name)).toEqual(['s1', 's2', 's3']);
      const results = await fx.sender.destroySnapshots(a, ['s1', 'nope', 's3'], signal());
      expect(results.map((r) => r.name)).toEqual(['s1', 'nope', 's3']);
      expect(results[0]?.error).toBeUndefined();
      expect(results[1]?.error).toBeInstanceOf(Error);
      expect(results[2]?.error).toBeUndefined();
      expect((await versionsOf(fx.sender, a)).filter((v) => v.type === 'snapshot').map((v) => v.name)).toEqual(['s2']);
    });

    it('creates a snapshot of the same name on each filesystem', async () => {
      const [a, b] = [`${fx.base}/a`, `${fx.base}/b`];
      await fx.createFilesystem(a);
      await fx.createFilesystem(b);
      await fx.sender.createSnapshots([a, b], 'together', signal());
      for (const fs of [a, b]) expect((await versionsOf(fx.sender, fs)).map((v) => v.name)).toEqual(['together']);
    });

    it('sending a snapshot destroyed after planning fails with dataset-not-found', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      await fx.sender.destroySnapshots(a, ['s1'], signal());
      await rejectsWithKind(fx.sender.send({ filesystem: a, to: s1 }, signal()), 'dataset-not-found');
    });

    it('rejects invalid names with kind invalid-name, naming the dataset', async () => {
      const bad = `${fx.base}/bad*name`;
      const e = await rejectsWithKind(fx.sender.listVersions([bad], signal()), 'invalid-name');
      expect(e.message).toContain(bad);
      await rejectsWithKind(fx.sender.destroySnapshots(`${fx.base}/a`, ['x@y'], signal()), 'invalid-name');
      await rejectsWithKind(fx.sender.createSnapshots([`${fx.base}/a`], 'bad name!', signal()), 'invalid-name');
      await rejectsWithKind(fx.receiver.listVersions(['-rf'], signal()), 'invalid-name');
    });

    it('rejects every call with kind aborted when the signal has already fired', async () => {
      const a = `${fx.base}/a`;
      await withSnapshots(a, ['s1']);
      const s1 = await snapshotOf(fx.sender, a, 's1');
      const aborted = AbortSignal.abort();
      await rejectsWithKind(fx.sender.capabilities(aborted), 'aborted');
      await rejectsWithKind(fx.sender.listFilesystems(aborted), 'aborted');
      await rejectsWithKind(fx.sender.listVersions([a], aborted), 'aborted');
      await rejectsWithKind(fx.sender.send({ filesystem: a, to: s1 }, aborted), 'aborted');
      await rejectsWithKind(fx.sender.createSnapshots([a], 's2', aborted), 'aborted');
      await rejectsWithKind(fx.sender.destroySnapshots(a, ['s1'], aborted), 'aborted');
      expect((await versionsOf(fx.sender, a)).map((v) => v.name)).toEqual(['s1']);
    });

    it('a receive aborted mid-stream rejects promptly and leaves nothing', async () => {
      const a = `${fx.base}/a`;
      await fx.createFilesystem(a);
      await fx.write(a, 'big', bytesOf(5, 200_000));
      await fx.snapshot(a, 's1');
      const s1 = await snapshotOf(fx.sender, a, 's1');
      const full = await readAll(await fx.sender.send({ filesystem: a, to: s1 }, signal()));
      const stream = new PassThrough();
      stream.write(full.subarray(0, Math.floor(full.length / 2)));
      const controller = new AbortController();
      const receiving = fx.receiver.receive({ filesystem: a, to: s1, stream }, controller.signal);
      setTimeout(() => controller.abort(), 20);
      await rejectsWithKind(receiving, 'aborted');
      const listed = await fx.receiver.listFilesystems(signal());
      const entry = listed.find((f) => f.path === a);
      expect(entry?.resumeToken).toBeUndefined();
      expect(await versionsOf(fx.receiver, a)).toEqual([]);
    });
  });
}

/** Reads a stream to its end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
