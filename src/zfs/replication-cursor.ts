import { assertJobId, cursorBookmarkName, cursorPropertyName, parseCursorBookmarkName } from '../endpoint/cursor.js';
import { EndpointError } from '../domain/errors.js';
import { compareVersions, versionFullName, type FilesystemVersion } from '../domain/version.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { getRows, runListing } from './listing.js';
import { parseBookmarkList } from './parse-bookmark-list.js';
import { splitDatasetName, versionsFromRows } from './parse-versions.js';
import { bookmarkArgs, checkName, destroyBookmarkArgs, inheritPropertyArgs, listBookmarksArgs, setPropertyArgs } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

/**
 * The replication cursor on real ZFS: a bookmark `fs#xrepl_CURSOR_G_<guid>_J_<job>` where
 * bookmarks exist (it outlives its snapshot and stays a valid incremental base), else the user
 * property `xrepl:cursor.<job>` set on the snapshot itself (zfs-fuse).
 */

function checkJob(jobId: string): void {
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

/** Each filesystem's newest cursor of the job under the context's roots. */
export async function listReplicationCursors(ctx: ZfsContext, jobId: string, signal: AbortSignal): Promise<Map<string, FilesystemVersion>> {
  checkJob(jobId);
  const features = await ctx.features(signal);
  const result = new Map<string, FilesystemVersion>();
  if (features.bookmarks) {
    const args = listBookmarksArgs(ctx.roots, 'recursive');
    const out = await runListing(ctx, args, signal);
    for (const b of parseBookmarkList(out.stdout, ['zfs', ...args])) {
      if (parseCursorBookmarkName(b.version.name)?.jobId === jobId) keepNewest(result, b.filesystem, b.version);
    }
    return result;
  }
  const property = cursorPropertyName(jobId);
  const properties = ['guid', 'createtxg', 'creation', property];
  const rows = await getRows(ctx, { properties, roots: ctx.roots, depth: 'recursive', withSource: true }, signal);
  const marked = new Set(rows.filter((r) => r.property === property && r.source === 'local' && r.value !== '-').map((r) => r.name));
  const versions = versionsFromRows(
    rows.filter((r) => r.property !== property && marked.has(r.name)),
    ['zfs', 'get', properties.join(',')],
  );
  for (const [fs, list] of versions) for (const v of list) keepNewest(result, fs, { type: v.type, name: v.name, guid: v.guid, createTxg: v.createTxg, creation: v.creation });
  return result;
}

/** Moves the job's cursor on one filesystem to the version; older cursors of the job are removed after. */
export async function setReplicationCursor(
  ctx: ZfsContext,
  filesystem: string,
  version: FilesystemVersion,
  jobId: string,
  signal: AbortSignal,
): Promise<void> {
  checkJob(jobId);
  checkName(filesystem, 'filesystem');
  const target = checkName(versionFullName(filesystem, version), 'any');
  const features = await ctx.features(signal);
  if (features.bookmarks) {
    const bookmark = `${filesystem}#${cursorBookmarkName(version.guid, jobId)}`;
    const attempt = await attemptZfs(ctx.transport, bookmarkArgs(target, bookmark), { signal, dataset: target });
    // An existing bookmark of this name already marks this guid: setting the cursor again is a no-op.
    if (!attempt.ok && attempt.error.kind !== 'dataset-exists') throw attempt.error;
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
