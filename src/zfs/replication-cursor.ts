import { assertJobId, cursorBookmarkName, cursorPropertyName, parseCursorBookmarkName } from '../endpoint/cursor.js';
import { CURSOR_PROPERTY_PREFIX, jobOfCursorProperty } from '../endpoint/cursor-property-job.js';
import type { ForeignCursor } from '../endpoint/endpoint.js';
import { EndpointError } from '../domain/errors.js';
import { compareVersions, versionFullName, type FilesystemVersion } from '../domain/version.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { getRows, runListing } from './listing.js';
import { parseBookmarkList } from './parse-bookmark-list.js';
import { splitDatasetName, versionsFromRows } from './parse-versions.js';
import type { PropertyRow } from './property-rows.js';
import { bookmarkArgs, checkName, destroyBookmarkArgs, inheritPropertyArgs, listBookmarksArgs, setPropertyArgs } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

/**
 * The replication cursor on real ZFS: a bookmark `fs#xrepl_CURSOR_G_<guid>_J_<job>` where
 * bookmarks exist (it outlives its snapshot and stays a valid incremental base), else the user
 * property `xrepl:cursor.<job>` set on the snapshot itself (zfs-fuse).
 */

/** Throws `invalid-name` unless the job id can name a cursor. */
export function checkJob(jobId: string): void {
  try {
    assertJobId(jobId);
  } catch (err) {
    throw new EndpointError(err instanceof Error ? err.message : String(err), { kind: 'invalid-name', cause: err });
  }
}

function keepNewest(map: Map<string, FilesystemVersion>, fs: string, v: FilesystemVersion): void {
  const current = map.get(fs);
  if (current === undefined || compareVersions(current, v) < 0) map.set(fs, v);
}

/** The job's cursor bookmarks among listed versions (bookmark names carry the guid and job), newest per filesystem. */
export function cursorsFromBookmarks(versions: Iterable<{ filesystem: string; version: FilesystemVersion }>, jobId: string): Map<string, FilesystemVersion> {
  const result = new Map<string, FilesystemVersion>();
  for (const { filesystem, version } of versions) {
    if (version.type !== 'bookmark' || parseCursorBookmarkName(version.name)?.jobId !== jobId) continue;
    const { type, name, guid, createTxg, creation } = version;
    keepNewest(result, filesystem, { type, name, guid, createTxg, creation });
  }
  return result;
}

/**
 * The job's cursor snapshots from `zfs get -o name,property,value,source` rows holding the cursor
 * property (set locally) and guid, createtxg, creation: the newest marked snapshot per filesystem.
 * Newest wins because a crash between setting a new mark and clearing the old one leaves both.
 * A mark counts only when its value is the snapshot's own guid (xrepl writes the guid): a mark
 * on a snapshot that was destroyed and re-created under the same name is not a cursor.
 */
export function cursorsFromPropertyRows(rows: readonly PropertyRow[], property: string, command: readonly string[]): Map<string, FilesystemVersion> {
  const marks = new Map<string, string>();
  for (const r of rows) if (r.property === property && r.source === 'local' && r.value !== '-') marks.set(r.name, r.value);
  const markedRows = rows.filter((r) => marks.has(r.name) && (r.property === 'guid' || r.property === 'createtxg' || r.property === 'creation'));
  const result = new Map<string, FilesystemVersion>();
  for (const [fs, list] of versionsFromRows(markedRows, command)) {
    for (const v of list) {
      if (v.type !== 'snapshot' || marks.get(versionFullName(fs, v)) !== v.guid.toString()) continue;
      keepNewest(result, fs, { type: v.type, name: v.name, guid: v.guid, createTxg: v.createTxg, creation: v.creation });
    }
  }
  return result;
}

/** Each filesystem's newest cursor of the job under the context's roots. */
export async function listReplicationCursors(ctx: ZfsContext, jobId: string, signal: AbortSignal): Promise<Map<string, FilesystemVersion>> {
  checkJob(jobId);
  const features = await ctx.features(signal);
  if (features.bookmarks) {
    const args = listBookmarksArgs(ctx.roots, 'recursive');
    const out = await runListing(ctx, args, signal);
    return cursorsFromBookmarks(parseBookmarkList(out.stdout, ['zfs', ...args]), jobId);
  }
  const property = cursorPropertyName(jobId);
  const properties = ['guid', 'createtxg', 'creation', property];
  const rows = await getRows(ctx, { properties, roots: ctx.roots, depth: 'recursive', withSource: true }, signal);
  return cursorsFromPropertyRows(rows, property, ['zfs', 'get', properties.join(',')]);
}

/**
 * Moves the job's cursor on one filesystem to the version. `previous` is the cursor the caller
 * listed; `listedWithout` says the caller's listing showed this filesystem without one. Knowing
 * either spares a lookup: a bookmark cursor is then one `zfs bookmark` plus the destroy of the
 * previous bookmark, a property cursor moving forward one `zfs set`. Without, every other cursor of
 * the job on the filesystem is looked up and cleared.
 */
export async function setReplicationCursor(
  ctx: ZfsContext,
  filesystem: string,
  version: FilesystemVersion,
  jobId: string,
  signal: AbortSignal,
  previous?: FilesystemVersion,
  listedWithout = false,
): Promise<void> {
  checkJob(jobId);
  checkName(filesystem, 'filesystem');
  const target = checkName(versionFullName(filesystem, version), 'any');
  const features = await ctx.features(signal);
  if (features.bookmarks) {
    const bookmark = `${filesystem}#${cursorBookmarkName(version.guid, jobId)}`;
    const attempt = await attemptZfs(ctx.transport, bookmarkArgs(target, bookmark), { signal, dataset: target });
    // An existing bookmark of this name already marks this guid: setting the cursor again is a no-op
    // (OpenZFS: "cannot create bookmark '<name>': bookmark exists").
    if (!attempt.ok && attempt.error.kind !== 'bookmark-exists' && attempt.error.kind !== 'dataset-exists') throw attempt.error;
    if (previous === undefined && listedWithout) return;
    if (previous?.type === 'bookmark' && parseCursorBookmarkName(previous.name)?.jobId === jobId) {
      // Bookmark first, destroy after: a crash in between leaves two, and the newer one counts. An
      // older stray one from such a crash stays until a move without `previous` clears it.
      if (previous.guid === version.guid) return;
      const old = `${filesystem}#${previous.name}`;
      const destroyed = await attemptZfs(ctx.transport, destroyBookmarkArgs(old), { signal, dataset: filesystem });
      if (!destroyed.ok && destroyed.error.kind !== 'dataset-not-found') throw destroyed.error;
      return;
    }
    const listArgs = listBookmarksArgs([filesystem], 1);
    const out = await runListing(ctx, listArgs, signal);
    for (const b of parseBookmarkList(out.stdout, ['zfs', ...listArgs])) {
      const parsed = parseCursorBookmarkName(b.version.name);
      if (b.filesystem === filesystem && parsed?.jobId === jobId && parsed.guid !== version.guid) {
        await runZfs(ctx.transport, destroyBookmarkArgs(`${filesystem}#${b.version.name}`), { signal, dataset: filesystem });
      }
    }
    return;
  }
  if (version.type !== 'snapshot') {
    throw new EndpointError(`cannot set the cursor to bookmark ${target}: this zfs has no bookmarks`, { kind: 'unsupported', dataset: target });
  }
  const property = cursorPropertyName(jobId);
  if ((previous === undefined && listedWithout) || (previous !== undefined && previous.type === 'snapshot' && compareVersions(previous, version) <= 0)) {
    // The caller listed the old mark (or listed none) and the cursor moves forward: one `zfs set`,
    // no lookup and no clearing. Listing takes the newest mark, so an older mark is stale but
    // harmless — it can only make the cursor look older (fewer snapshots counted as replicated),
    // never newer — and it goes with its snapshot when that is pruned. zfs refuses the set when the
    // snapshot is gone (dataset-not-found); a snapshot re-created under the same name gets a mark
    // whose value is not its guid, which listing ignores. Moving backwards takes the lookup below,
    // which clears every other mark, so no newer stray mark can outrank the new one.
    await runZfs(ctx.transport, setPropertyArgs(property, version.guid.toString(), target), { signal, dataset: target });
    return;
  }
  const rows = await getRows(ctx, { properties: ['guid', property], roots: [filesystem], depth: 1, withSource: true }, signal);
  const guidRow = rows.find((r) => r.name === target && r.property === 'guid');
  if (guidRow === undefined) throw new EndpointError(`cannot set the cursor: snapshot ${target} does not exist`, { kind: 'dataset-not-found', dataset: target });
  if (guidRow.value !== version.guid.toString()) {
    throw new EndpointError(`cannot set the cursor: snapshot ${target} has guid ${guidRow.value}, not ${version.guid}`, {
      kind: 'dataset-not-found',
      dataset: target,
    });
  }
  await runZfs(ctx.transport, setPropertyArgs(property, version.guid.toString(), target), { signal, dataset: target });
  // Set first, clear after: a crash in between leaves two marks, and the newer one wins.
  for (const r of rows) {
    if (r.property !== property || r.source !== 'local' || r.name === target) continue;
    if (splitDatasetName(r.name).filesystem !== filesystem) continue;
    await runZfs(ctx.transport, inheritPropertyArgs(property, r.name), { signal, dataset: r.name });
  }
}

function addForeign(map: Map<string, ForeignCursor[]>, filesystem: string, cursor: ForeignCursor): void {
  const list = map.get(filesystem);
  if (list === undefined) map.set(filesystem, [cursor]);
  else list.push(cursor);
}

/** Every other job's cursor bookmarks among listed versions, per filesystem. */
export function foreignCursorsFromBookmarks(versions: Iterable<{ filesystem: string; version: FilesystemVersion }>, jobId: string): Map<string, ForeignCursor[]> {
  const result = new Map<string, ForeignCursor[]>();
  for (const { filesystem, version } of versions) {
    if (version.type !== 'bookmark') continue;
    const parsed = parseCursorBookmarkName(version.name);
    if (parsed === undefined || parsed.jobId === jobId) continue;
    addForeign(result, filesystem, { jobId: parsed.jobId, guid: parsed.guid, type: 'bookmark', name: version.name });
  }
  return result;
}

/**
 * Every other job's cursor marks from `zfs get -H -s local -o name,property,value all` output:
 * the lines whose property is a cursor property of a job other than `jobId`, on a snapshot, with
 * a guid as value (xrepl writes the snapshot's guid). Every mark is reported, stale ones too; the
 * pruner keeps only each job's newest that matches a listed snapshot's guid.
 */
export function foreignCursorsFromLocalProperties(stdout: string, jobId: string): Map<string, ForeignCursor[]> {
  const result = new Map<string, ForeignCursor[]>();
  const marker = `\t${CURSOR_PROPERTY_PREFIX}`;
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(marker);
    if (at <= 0) continue;
    const rest = line.slice(at + 1).split('\t');
    const [property, value] = rest;
    if (property === undefined || value === undefined) continue;
    const job = jobOfCursorProperty(property);
    if (job === undefined || job === jobId || !/^[0-9]+$/.test(value)) continue;
    const name = line.slice(0, at);
    const { filesystem, type, version } = splitDatasetName(name);
    if (type !== 'snapshot' || version === undefined || value.length > 20) continue;
    addForeign(result, filesystem, { jobId: job, guid: BigInt(value), type: 'snapshot', name: version });
  }
  return result;
}

/**
 * Every other job's cursors under the context's roots: the cursor bookmarks where bookmarks exist,
 * else the cursor properties set on snapshots. Property names carry the job, so they cannot be
 * asked for by name: one `zfs get -s local all` lists what is set locally (on snapshots, user
 * properties only), and the cursor marks are picked from it.
 */
export async function listForeignCursors(ctx: ZfsContext, jobId: string, signal: AbortSignal): Promise<Map<string, ForeignCursor[]>> {
  checkJob(jobId);
  const features = await ctx.features(signal);
  if (features.bookmarks) {
    const args = listBookmarksArgs(ctx.roots, 'recursive');
    const out = await runListing(ctx, args, signal);
    return foreignCursorsFromBookmarks(parseBookmarkList(out.stdout, ['zfs', ...args]), jobId);
  }
  for (const r of ctx.roots) checkName(r, 'any');
  const args = ['get', '-Hp', '-r', ...(features.getTypeFilter ? ['-t', 'snapshot'] : []), '-s', 'local', '-o', 'name,property,value', 'all', ...ctx.roots];
  const out = await runListing(ctx, args, signal);
  return foreignCursorsFromLocalProperties(out.stdout, jobId);
}
