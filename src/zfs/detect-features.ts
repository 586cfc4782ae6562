import { EndpointError } from '../domain/errors.js';
import { attemptZfs } from './command-runner.js';
import { featuresFromUsage, type ZfsFeatures } from './zfs-features.js';
import { usageArgs } from './zfs-args.js';
import type { Transport } from '../transport/transport.js';

/**
 * How long a feature probe may take. `zfs` without arguments answers at once; over ssh it is one
 * connection. A probe that hangs (an ssh that never completes its handshake, a zfs stuck on a
 * suspended pool) would otherwise hold every job that shares the transport for ever.
 */
export const PROBE_TIMEOUT_MS = 60_000;

/**
 * Probes what the endpoint's zfs supports by running `zfs` without arguments: it touches no pool,
 * exits 2 and prints every subcommand's usage, from which {@link featuresFromUsage} reads the
 * features. A transport failure (ssh exit 255), a missing zfs, an abort or the probe's own timeout
 * rejects instead.
 */
export async function detectFeatures(transport: Transport, signal: AbortSignal, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<ZfsFeatures> {
  const args = usageArgs();
  const timeout = AbortSignal.timeout(timeoutMs);
  const attempt = await attemptZfs(transport, args, { signal: AbortSignal.any([signal, timeout]) });
  if (!attempt.ok && timeout.aborted && !signal.aborted) {
    throw new EndpointError(`the zfs feature probe (\`zfs\` without arguments) did not answer within ${timeoutMs / 1000} s`, {
      kind: 'timeout',
      command: ['zfs', ...args],
    });
  }
  const kind = attempt.ok ? undefined : attempt.error.kind;
  if (!attempt.ok && (kind === 'aborted' || kind === 'connection-lost' || kind === 'killed' || kind === 'zfs-not-found' || kind === 'zfs-unavailable' || attempt.exitCode === undefined)) {
    throw attempt.error;
  }
  return featuresFromUsage(`${attempt.stdout}\n${attempt.stderr}`, ['zfs', ...args]);
}
