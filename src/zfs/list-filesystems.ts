import type { FilesystemInfo } from '../endpoint/endpoint.js';
import { PLACEHOLDER_PROPERTY } from '../endpoint/cursor.js';
import { getRows } from './listing.js';
import type { PropertyRow } from './property-rows.js';
import type { ZfsContext } from './zfs-context.js';

/** The property OpenZFS sets on a filesystem that holds a partially received stream. */
export const RESUME_TOKEN_PROPERTY = 'receive_resume_token';

/** True when the rows say xrepl itself made this filesystem a placeholder (set here, not inherited). */
export function isPlaceholderRow(row: PropertyRow | undefined): boolean {
  return row !== undefined && row.value === 'on' && row.source === 'local';
}

/**
 * Builds filesystem infos from `zfs get -o name,property,value,source type,xrepl:placeholder
 * [,receive_resume_token]` rows: filesystems and volumes only, in the order zfs printed them.
 */
export function filesystemsFromRows(rows: readonly PropertyRow[]): FilesystemInfo[] {
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
    const info: FilesystemInfo = { path: name, placeholder: isPlaceholderRow(props.get(PLACEHOLDER_PROPERTY)) };
    if (token !== undefined && token !== '-' && token !== '') info.resumeToken = token;
    result.push(info);
  }
  return result;
}

/** Every filesystem under the context's roots, with placeholder flag and resume token, from one `zfs get`. */
export async function listFilesystems(ctx: ZfsContext, signal: AbortSignal): Promise<FilesystemInfo[]> {
  const features = await ctx.features(signal);
  const properties = ['type', PLACEHOLDER_PROPERTY, ...(features.resumableReceive ? [RESUME_TOKEN_PROPERTY] : [])];
  const rows = await getRows(
    ctx,
    { properties, roots: ctx.roots, depth: 'recursive', withSource: true, types: features.getTypeFilter ? ['filesystem', 'volume'] : undefined },
    signal,
  );
  return filesystemsFromRows(rows);
}
