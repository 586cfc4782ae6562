import type { FilesystemInfo } from '../endpoint/endpoint.js';
import { PLACEHOLDER_PROPERTY } from '../endpoint/cursor.js';
import { getRows } from './listing.js';
import type { PropertyRow } from './property-rows.js';
import type { ZfsContext } from './zfs-context.js';

/** The property OpenZFS sets on a filesystem that holds a partially received stream. */
export const RESUME_TOKEN_PROPERTY = 'receive_resume_token';

/** True when the row says xrepl itself marked this dataset a placeholder (set here, not inherited). */
export function isPlaceholderRow(row: PropertyRow | undefined): boolean {
  return row !== undefined && row.value === 'on' && row.source === 'local';
}

/**
 * The filesystems that have at least one snapshot, from rows that include snapshot rows. Received
 * data always has a snapshot, so such a filesystem is never a placeholder, whatever its mark says
 * (a crash between a receive and the unmarking leaves the mark on).
 */
export function filesystemsWithSnapshots(rows: readonly PropertyRow[]): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    const at = row.name.indexOf('@');
    if (at > 0) out.add(row.name.slice(0, at));
  }
  return out;
}

/**
 * Builds filesystem infos from `zfs get -o name,property,value,source type,xrepl:placeholder
 * [,receive_resume_token]` rows: filesystems and volumes only, in the order zfs printed them. A
 * filesystem is a placeholder when its local mark is `on` and it is not in `withSnapshots`.
 */
export function filesystemsFromRows(rows: readonly PropertyRow[], withSnapshots: ReadonlySet<string>): FilesystemInfo[] {
  const byName = new Map<string, Map<string, PropertyRow>>();
  for (const row of rows) {
    let props = byName.get(row.name);
    if (props === undefined) {
      props = new Map();
      byName.set(row.name, props);
    }
    props.set(row.property, row);
  }
  const result: FilesystemInfo[] = [];
  for (const [name, props] of byName) {
    const type = props.get('type')?.value;
    if (type !== 'filesystem' && type !== 'volume') continue;
    const token = props.get(RESUME_TOKEN_PROPERTY)?.value;
    const info: FilesystemInfo = { path: name, placeholder: isPlaceholderRow(props.get(PLACEHOLDER_PROPERTY)) && !withSnapshots.has(name) };
    if (token !== undefined && token !== '-' && token !== '') info.resumeToken = token;
    result.push(info);
  }
  return result;
}

/**
 * Which of `filesystems` have a snapshot, from one `zfs get -d 1` of them (snapshot rows only
 * where zfs has `get -t`).
 */
export async function snapshottedAmong(ctx: ZfsContext, filesystems: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  if (filesystems.length === 0) return new Set();
  const features = await ctx.features(signal);
  const rows = await getRows(
    ctx,
    { properties: ['guid'], roots: filesystems, depth: 1, withSource: false, types: features.getTypeFilter ? ['snapshot'] : undefined },
    signal,
  );
  return filesystemsWithSnapshots(rows);
}

/**
 * Every filesystem under the context's roots, with placeholder flag and resume token, from one
 * `zfs get`; where a filesystem carries the placeholder mark, a second `zfs get` of those marked
 * (a few parents) tells whether they hold snapshots, and so real data.
 */
export async function listFilesystems(ctx: ZfsContext, signal: AbortSignal): Promise<FilesystemInfo[]> {
  const features = await ctx.features(signal);
  const properties = ['type', PLACEHOLDER_PROPERTY, ...(features.resumableReceive ? [RESUME_TOKEN_PROPERTY] : [])];
  const rows = await getRows(
    ctx,
    { properties, roots: ctx.roots, depth: 'recursive', withSource: true, types: features.getTypeFilter ? ['filesystem', 'volume'] : undefined },
    signal,
  );
  // zfs-fuse lacks get -t, so its rows include the snapshots already.
  const marked = rows.filter((r) => r.property === PLACEHOLDER_PROPERTY && isPlaceholderRow(r) && !r.name.includes('@')).map((r) => r.name);
  const withSnapshots = features.getTypeFilter ? await snapshottedAmong(ctx, marked, signal) : filesystemsWithSnapshots(rows);
  return filesystemsFromRows(rows, withSnapshots);
}
