import type { ListedVersion } from '../domain/version.js';
import { attemptZfs, type ZfsOutput } from './command-runner.js';
import { parsePropertyRows, type PropertyRow } from './property-rows.js';
import { versionsFromRows } from './parse-versions.js';
import { getPropertiesArgs, VERSION_PROPERTIES } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

const missingLine = /^cannot open '.*': dataset does not exist$/;

/**
 * Runs a listing. A listing of several datasets prints what exists and fails (exit 1) for the
 * ones that do not; when "does not exist" is all it complains about, the output is still good.
 */
export async function runListing(ctx: ZfsContext, args: readonly string[], signal: AbortSignal): Promise<ZfsOutput> {
  const attempt = await attemptZfs(ctx.transport, args, { signal });
  if (attempt.ok) return attempt;
  const complaints = attempt.stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (attempt.exitCode === 1 && complaints.length > 0 && complaints.every((l) => missingLine.test(l))) return attempt;
  throw attempt.error;
}

/** Runs `zfs get` and parses its rows; the command is kept for error messages. */
export async function getRows(
  ctx: ZfsContext,
  options: { properties: readonly string[]; roots: readonly string[]; depth: 'recursive' | 1 | 0; withSource: boolean; types?: readonly string[] | undefined },
  signal: AbortSignal,
): Promise<PropertyRow[]> {
  const args = getPropertiesArgs(options);
  const out = await runListing(ctx, args, signal);
  return parsePropertyRows(out.stdout, { command: ['zfs', ...args], properties: options.properties, withSource: options.withSource });
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
  const out = await runListing(ctx, args, signal);
  const command = ['zfs', ...args];
  const all = versionsFromRows(parsePropertyRows(out.stdout, { command, properties, withSource: false }), command);
  if (filesystems === undefined) return all;
  const wanted = new Map<string, ListedVersion[]>();
  for (const fs of filesystems) {
    const versions = all.get(fs);
    if (versions !== undefined) wanted.set(fs, versions);
  }
  return wanted;
}
