import { EndpointError } from '../domain/errors.js';
import type { Transport } from '../transport/transport.js';
import { attemptZfs } from './command-runner.js';
import { PROBE_TIMEOUT_MS } from './detect-features.js';
import type { ZfsFeatures } from './zfs-features.js';

/**
 * What a pool (not the zfs binary) allows. OpenZFS's binary has `receive -s` and `bookmark`, but a
 * pool without `feature@extensible_dataset` refuses a resumable receive ("pool must be upgraded to
 * receive this stream.") and one without `feature@bookmarks` refuses a bookmark ("bookmark feature
 * not enabled"), both captured on OpenZFS 2.1.11 with a pool made by `zpool create -d`. A feature
 * counts when it is `enabled` or `active`.
 */
export interface PoolFeatures {
  extensibleDataset: boolean;
  bookmarks: boolean;
}

/** The pool features xrepl asks about. */
export const POOL_FEATURE_PROPERTIES = ['feature@extensible_dataset', 'feature@bookmarks'] as const;

/** `zpool get -Hp -o name,property,value feature@extensible_dataset,feature@bookmarks [pool...]` (every pool when none is named). */
export function poolFeaturesArgs(pools: readonly string[]): string[] {
  return ['get', '-Hp', '-o', 'name,property,value', POOL_FEATURE_PROPERTIES.join(','), ...pools];
}

/** Reads `zpool get` rows into each pool's features; a pool whose rows are missing has neither. */
export function parsePoolFeatures(stdout: string): Map<string, PoolFeatures> {
  const pools = new Map<string, PoolFeatures>();
  for (const line of stdout.split('\n')) {
    const [name, property, value] = line.replace(/\r$/, '').split('\t');
    if (name === undefined || property === undefined || value === undefined || name.length === 0) continue;
    const features = pools.get(name) ?? { extensibleDataset: false, bookmarks: false };
    const on = value === 'enabled' || value === 'active';
    if (property === 'feature@extensible_dataset') features.extensibleDataset = on;
    else if (property === 'feature@bookmarks') features.bookmarks = on;
    pools.set(name, features);
  }
  return pools;
}

/** A transport whose "zfs" is its zpool, so that the runner's process handling serves zpool too. */
function zpoolTransport(transport: Transport): Transport | undefined {
  const zpoolCommand = transport.zpoolCommand?.bind(transport);
  if (zpoolCommand === undefined) return undefined;
  return { name: transport.name, remote: transport.remote, zfsCommand: zpoolCommand };
}

/**
 * The features of the named pools (every pool when none is named), from one bounded `zpool get`.
 * Undefined when the transport cannot run zpool: the binary's features then stand alone. A zpool
 * that knows no feature properties (zfs-fuse, pool version 23) answers with an error: no pool has
 * either feature then. Lost connections, aborts and timeouts reject.
 */
export async function probePoolFeatures(transport: Transport, pools: readonly string[], signal: AbortSignal): Promise<Map<string, PoolFeatures> | undefined> {
  const zpool = zpoolTransport(transport);
  if (zpool === undefined) return undefined;
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const attempt = await attemptZfs(zpool, poolFeaturesArgs(pools), { signal: AbortSignal.any([signal, timeout]), maxOutputBytes: 1 << 20 });
  if (attempt.ok) return parsePoolFeatures(attempt.stdout);
  if (timeout.aborted && !signal.aborted) {
    throw new EndpointError(`zpool get of the pools' features did not answer within ${PROBE_TIMEOUT_MS / 1000} s`, { kind: 'timeout', command: ['zpool', ...poolFeaturesArgs(pools)] });
  }
  const kind = attempt.error.kind;
  if (kind === 'aborted' || kind === 'connection-lost' || kind === 'killed' || kind === 'timeout' || kind === 'zfs-unavailable') throw attempt.error;
  // "bad property list: invalid property 'feature@bookmarks'" (no feature flags), or a missing zpool: no features.
  return new Map(pools.map((p) => [p, { extensibleDataset: false, bookmarks: false }]));
}

/**
 * The binary's features narrowed to what every pool of the endpoint allows: resumable receive only
 * where each pool has `feature@extensible_dataset`, bookmark cursors only where each has
 * `feature@bookmarks` (else the cursor is the user property, as on zfs-fuse). A pool missing from
 * the answer (one that does not exist yet) narrows nothing.
 */
export function narrowToPools(features: ZfsFeatures, pools: ReadonlyMap<string, PoolFeatures> | undefined): ZfsFeatures {
  if (pools === undefined) return features;
  const all = [...pools.values()];
  return {
    ...features,
    resumableReceive: features.resumableReceive && all.every((p) => p.extensibleDataset),
    bookmarks: features.bookmarks && all.every((p) => p.bookmarks),
  };
}

/** The pools of the given roots (each root's first component), without repeats; empty for every pool. */
export function poolsOf(roots: readonly string[]): string[] {
  return [...new Set(roots.map((r) => r.split('/')[0] ?? r).filter((p) => p.length > 0))];
}
