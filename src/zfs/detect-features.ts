import { attemptZfs } from './command-runner.js';
import { featuresFromUsage, type ZfsFeatures } from './zfs-features.js';
import { usageArgs } from './zfs-args.js';
import type { Transport } from '../transport/transport.js';

/**
 * Probes what the endpoint's zfs supports by running `zfs` without arguments: it touches no pool,
 * exits 2 and prints every subcommand's usage, from which {@link featuresFromUsage} reads the
 * features. A transport failure (ssh exit 255) or a missing zfs rejects instead.
 */
export async function detectFeatures(transport: Transport, signal: AbortSignal): Promise<ZfsFeatures> {
  const args = usageArgs();
  const attempt = await attemptZfs(transport, args, { signal });
  if (!attempt.ok && (attempt.error.kind === 'aborted' || attempt.error.kind === 'connection-lost' || attempt.error.kind === 'killed' || (attempt.exitCode === undefined))) {
    throw attempt.error;
  }
  return featuresFromUsage(`${attempt.stdout}\n${attempt.stderr}`, ['zfs', ...args]);
}
