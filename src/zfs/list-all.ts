import { cursorPropertyName, PLACEHOLDER_PROPERTY } from '../endpoint/cursor.js';
import type { EndpointListing } from '../endpoint/endpoint.js';
import type { ListedVersion } from '../domain/version.js';
import { filesystemsFromRows, filesystemsWithSnapshots, RESUME_TOKEN_PROPERTY } from './list-filesystems.js';
import { listRows } from './listing.js';
import { withResumeTargets } from './resume-token.js';
import { versionsFromRows } from './parse-versions.js';
import { checkJob, cursorsFromBookmarks, cursorsFromPropertyRows, foreignCursorsFromBookmarks } from './replication-cursor.js';
import { getPropertiesArgs, VERSION_PROPERTIES } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

const versionProperties: ReadonlySet<string> = new Set(VERSION_PROPERTIES);

/**
 * Everything planning and pruning need from one side in ONE `zfs get -Hp -r` process: the type
 * and placeholder mark of each dataset (filesystems), the version properties (snapshots and, on
 * OpenZFS, bookmarks), the resume token where receives resume, and the job's cursor property where
 * there are no bookmarks (where there are, the cursors are bookmarks, already in the listing).
 * Built from the rows by the same functions as `listFilesystems`, `listVersions` and
 * `listReplicationCursors`, so the answer equals theirs.
 */
export async function listAll(ctx: ZfsContext, jobId: string, signal: AbortSignal): Promise<EndpointListing> {
  checkJob(jobId);
  const features = await ctx.features(signal);
  const cursorProperty = features.bookmarks ? undefined : cursorPropertyName(jobId);
  const properties = [
    'type',
    PLACEHOLDER_PROPERTY,
    ...VERSION_PROPERTIES,
    ...(features.resumableReceive ? [RESUME_TOKEN_PROPERTY] : []),
    ...(cursorProperty !== undefined ? [cursorProperty] : []),
  ];
  const types = features.getTypeFilter ? ['filesystem', 'volume', 'snapshot', ...(features.bookmarks ? ['bookmark'] : [])] : undefined;
  const args = getPropertiesArgs({ properties, roots: ctx.roots, depth: 'recursive', withSource: true, types });
  const command = ['zfs', ...args];
  // Parsed as it streams (a side with millions of snapshots is never held as one string).
  const rows = await listRows(ctx, args, { command, properties, withSource: true }, signal);

  // The listing has every snapshot row, so a marked filesystem with snapshots shows as real data.
  const filesystems = filesystemsFromRows(rows, filesystemsWithSnapshots(rows));
  const allVersions = versionsFromRows(rows.filter((r) => versionProperties.has(r.property)), command);
  const versions = new Map<string, ListedVersion[]>();
  for (const fs of filesystems) {
    const list = allVersions.get(fs.path);
    if (!fs.placeholder && list !== undefined) versions.set(fs.path, list);
  }
  if (cursorProperty !== undefined) return { filesystems, versions, cursors: cursorsFromPropertyRows(rows, cursorProperty, command) };
  // Cursor bookmarks name their job, so every job's are in this listing already: other jobs'
  // come at no cost (property cursors cannot be asked for by name; see listForeignCursors).
  const listed = [...allVersions].flatMap(([filesystem, list]) => list.map((version) => ({ filesystem, version })));
  return { filesystems, versions, cursors: cursorsFromBookmarks(listed, jobId), foreignCursors: foreignCursorsFromBookmarks(listed, jobId) };
}
