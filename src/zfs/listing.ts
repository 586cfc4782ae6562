import type { ListedVersion } from '../domain/version.js';
import { attemptZfs, attemptZfsLines, MAX_LISTING_BYTES, type ZfsAttempt, type ZfsOutput } from './command-runner.js';
import { parsePropertyRow, type PropertyRow, type PropertyRowOptions } from './property-rows.js';
import { versionsFromRows } from './parse-versions.js';
import { getPropertiesArgs, VERSION_PROPERTIES } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

const missingLine = /^cannot open '.*': dataset does not exist$/;

/**
 * A listing of several datasets prints what exists and fails (exit 1) for the ones that do not;
 * when "does not exist" is all it complains about, the output is still good.
 */
function listingFailure(attempt: ZfsAttempt): ZfsAttempt & { ok: false } | undefined {
  if (attempt.ok) return undefined;
  const complaints = attempt.stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (attempt.error.kind !== 'unexpected-output' && attempt.error.kind !== 'output-too-large' && attempt.exitCode === 1 && complaints.length > 0 && complaints.every((l) => missingLine.test(l))) return undefined;
  return attempt;
}

/** Runs a listing whose whole output the caller reads as text (capped at the listing cap). */
export async function runListing(ctx: ZfsContext, args: readonly string[], signal: AbortSignal): Promise<ZfsOutput> {
  const attempt = await attemptZfs(ctx.transport, args, { signal, maxOutputBytes: MAX_LISTING_BYTES });
  const failure = listingFailure(attempt);
  if (failure !== undefined) throw failure.error;
  return attempt;
}

/**
 * Runs a `zfs get -H` listing and parses its rows as they stream, so that the output is never
 * held whole next to its rows; the listing cap bounds it (MAX_LISTING_BYTES).
 */
export async function listRows(ctx: ZfsContext, args: readonly string[], options: PropertyRowOptions, signal: AbortSignal): Promise<PropertyRow[]> {
  const rows: PropertyRow[] = [];
  const attempt = await attemptZfsLines(ctx.transport, args, { signal }, (line) => {
    const row = parsePropertyRow(line, options);
    if (row !== undefined) rows.push(row);
  });
  const failure = listingFailure(attempt);
  if (failure !== undefined) throw failure.error;
  return rows;
}

/** Runs `zfs get` and parses its rows; the command is kept for error messages. */
export async function getRows(
  ctx: ZfsContext,
  options: { properties: readonly string[]; roots: readonly string[]; depth: 'recursive' | 1 | 0; withSource: boolean; types?: readonly string[] | undefined },
  signal: AbortSignal,
): Promise<PropertyRow[]> {
  const args = getPropertiesArgs(options);
  return listRows(ctx, args, { command: ['zfs', ...args], properties: options.properties, withSource: options.withSource }, signal);
}

/**
 * The versions of many filesystems from one `zfs get -Hp` process: recursively under the roots,
 * or exactly the given filesystems (`-d 1`, filtered to the ones asked for).
 */
export async function listVersions(ctx: ZfsContext, filesystems: readonly string[] | undefined, signal: AbortSignal): Promise<Map<string, ListedVersion[]>> {
  if (filesystems !== undefined && filesystems.length === 0) return new Map();
  const features = await ctx.features(signal);
  const types = features.getTypeFilter ? ['filesystem', 'volume', 'snapshot', ...(features.bookmarks ? ['bookmark'] : [])] : undefined;
  const properties = [...VERSION_PROPERTIES];
  const args = getPropertiesArgs({
    properties,
    roots: filesystems ?? ctx.roots,
    depth: filesystems === undefined ? 'recursive' : 1,
    withSource: false,
    types,
  });
  const command = ['zfs', ...args];
  const all = versionsFromRows(await listRows(ctx, args, { command, properties, withSource: false }, signal), command);
  if (filesystems === undefined) return all;
  const wanted = new Map<string, ListedVersion[]>();
  for (const fs of filesystems) {
    const versions = all.get(fs);
    if (versions !== undefined) wanted.set(fs, versions);
  }
  return wanted;
}
