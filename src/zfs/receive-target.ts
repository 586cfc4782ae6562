import { PLACEHOLDER_PROPERTY } from '../endpoint/cursor.js';
import { EndpointError } from '../domain/errors.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { isPlaceholderRow } from './list-filesystems.js';
import { getRows } from './listing.js';
import { createPlaceholderArgs, setPropertyArgs } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

/** What a full receive into a filesystem needs to know beforehand. */
export interface FullReceiveTarget {
  /**
   * The filesystem exists but holds nothing replicated (a placeholder, or an empty leftover of an
   * interrupted receive): receive with `-F` and unmark it after.
   */
  replacesPlaceholder: boolean;
}

/** The filesystem and each of its ancestors, pool first: `a/b/c` → `a`, `a/b`, `a/b/c`. */
export function selfAndAncestors(filesystem: string): string[] {
  const parts = filesystem.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Prepares a full receive: looks at the filesystem and its ancestors in one `zfs get`, creates
 * the missing ancestors (pool excluded) as placeholders, top down, and says whether the target
 * is a placeholder (or snapshot-less leftover) that the stream may replace. An existing filesystem
 * with snapshots is left for zfs to refuse ("destination exists"), so replicated data is never
 * overwritten.
 */
export async function prepareFullReceive(ctx: ZfsContext, filesystem: string, signal: AbortSignal): Promise<FullReceiveTarget> {
  const chain = selfAndAncestors(filesystem);
  const rows = await getRows(ctx, { properties: [PLACEHOLDER_PROPERTY], roots: chain, depth: 0, withSource: true }, signal);
  const existing = new Map(rows.map((r) => [r.name, r]));
  const pool = chain[0] ?? filesystem;
  if (!existing.has(pool)) {
    throw new EndpointError(`cannot receive into ${filesystem}: pool ${pool} does not exist`, { kind: 'dataset-not-found', dataset: pool });
  }
  for (const ancestor of chain.slice(1, -1)) {
    if (existing.has(ancestor)) continue;
    const attempt = await attemptZfs(ctx.transport, createPlaceholderArgs(ancestor, PLACEHOLDER_PROPERTY), { signal, dataset: ancestor });
    // Another receive may have created the same parent meanwhile; that is as good.
    if (!attempt.ok && attempt.error.kind !== 'dataset-exists') throw attempt.error;
  }
  const target = existing.get(filesystem);
  if (target === undefined || isPlaceholderRow(target)) return { replacesPlaceholder: target !== undefined };
  // An existing filesystem without a single snapshot holds nothing replicated: zfs-fuse leaves one
  // behind when a full receive is killed early. Receiving onto it is safe and is the only way on.
  const below = await getRows(ctx, { properties: ['guid'], roots: [filesystem], depth: 1, withSource: false }, signal);
  return { replacesPlaceholder: !below.some((r) => r.name.startsWith(`${filesystem}@`)) };
}

/** After a stream replaced a placeholder: it is now real data, and mountable like any other. */
export async function unmarkPlaceholder(ctx: ZfsContext, filesystem: string, signal: AbortSignal): Promise<void> {
  await runZfs(ctx.transport, setPropertyArgs(PLACEHOLDER_PROPERTY, 'off', filesystem), { signal, dataset: filesystem });
  await runZfs(ctx.transport, setPropertyArgs('canmount', 'on', filesystem), { signal, dataset: filesystem });
}
