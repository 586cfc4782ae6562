import { createJobEndpoints } from '../../config/job-endpoints.js';
import { createMemoryPoolsFromConfig } from '../../config/memory-pools-from-config.js';
import { parseDuration } from '../../config/duration.js';
import { errorMessage } from '../../domain/errors.js';
import { printableLine } from '../../domain/printable-text.js';
import type { ListedVersion } from '../../domain/version.js';
import { CHECK_UNKNOWN, checkSnapshotAges, type SnapshotAgeRow } from '../../check/snapshot-age-check.js';
import type { CommandContext } from '../command-context.js';
import { loadJob } from '../load-job.js';

/** Options of `xrepl check snapshots`, as parsed. */
export interface CheckCommandOptions {
  config: string;
  job: string;
  warning: string;
  critical: string;
  /** `sender`, `receiver` or `both` (default). */
  side: string;
  /** Only snapshots whose name starts with this count (default: every snapshot). */
  prefix?: string | undefined;
}

const LISTING_TIMEOUT_MS = 120_000;

function newest(versions: readonly ListedVersion[] | undefined, prefix: string | undefined): number | undefined {
  let at: number | undefined;
  for (const v of versions ?? []) {
    if (v.type !== 'snapshot' || (prefix !== undefined && !v.name.startsWith(prefix))) continue;
    const t = v.creation.getTime();
    if (at === undefined || t > at) at = t;
  }
  return at;
}

/** `xrepl check snapshots`: prints one monitoring-plugin line and resolves with its exit code (0-3). */
export async function checkSnapshotsCommand(options: CheckCommandOptions, context: CommandContext): Promise<number> {
  const unknown = (message: string): number => {
    context.stdout.write(`XREPL SNAPSHOTS UNKNOWN - ${printableLine(message)}\n`);
    return CHECK_UNKNOWN;
  };
  let warningMs: number;
  let criticalMs: number;
  try {
    warningMs = parseDuration(options.warning);
    criticalMs = parseDuration(options.critical);
  } catch (error) {
    return unknown(`--warning/--critical: ${errorMessage(error)}`);
  }
  if (criticalMs < warningMs) return unknown(`--critical (${options.critical}) is shorter than --warning (${options.warning})`);
  if (!['sender', 'receiver', 'both'].includes(options.side)) return unknown(`--side: expected sender, receiver or both, got ${JSON.stringify(options.side)}`);
  const loaded = await loadJob(options.config, options.job, context, 'check snapshots');
  if (typeof loaded === 'number') return CHECK_UNKNOWN;
  const { job, config } = loaded;
  const signal = AbortSignal.timeout(LISTING_TIMEOUT_MS);
  try {
    const { sender, receiver } = await createJobEndpoints(job, createMemoryPoolsFromConfig(config.memoryPools));
    const filesystems = (await sender.listFilesystems(signal)).map((f) => f.path).sort();
    const rows: SnapshotAgeRow[] = [];
    if (options.side !== 'receiver') {
      const versions = await sender.listVersions(filesystems, signal);
      for (const fs of filesystems) rows.push({ filesystem: fs, side: 'sender', newestAt: newest(versions.get(fs), options.prefix) });
    }
    if (options.side !== 'sender') {
      const versions = await receiver.listVersions(undefined, signal);
      for (const fs of filesystems) rows.push({ filesystem: fs, side: 'receiver', newestAt: newest(versions.get(fs), options.prefix) });
    }
    const result = checkSnapshotAges(job.name, rows, Date.now(), { warningMs, criticalMs });
    context.stdout.write(`${printableLine(result.line)}\n`);
    return result.code;
  } catch (error) {
    return unknown(`job ${job.name}: ${errorMessage(error)}`);
  }
}
