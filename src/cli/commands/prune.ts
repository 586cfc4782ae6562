import type { JobConfig } from '../../config/config-types.js';
import { createJobEndpoints } from '../../config/job-endpoints.js';
import { createMemoryPoolsFromConfig } from '../../config/memory-pools-from-config.js';
import { errorMessage } from '../../domain/errors.js';
import type { MemoryPool } from '../../endpoint/memory/memory-pool.js';
import type { CommandContext } from '../command-context.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { loadJob } from '../load-job.js';
import type { PruneCommandOptions } from '../program.js';
import { type PruneSideDryRun, formatPruneDryRun, listPruneSide, pruneSideDryRun } from '../prune-dry-run.js';

/** A generous bound for the listings of a dry run. */
const LISTING_TIMEOUT_MS = 120_000;

/**
 * `xrepl prune --dry-run`: lists both sides of one job and prints what each pruner would destroy
 * and which rules keep the rest. Only listing calls are made; nothing is destroyed.
 */
export async function pruneCommand(options: PruneCommandOptions, context: CommandContext): Promise<number> {
  const loaded = await loadJob(options.config, options.job, context, 'prune');
  if (typeof loaded === 'number') return loaded;
  const { job, config } = loaded;
  try {
    const sides = await pruneDryRun(job, createMemoryPoolsFromConfig(config.memoryPools), AbortSignal.timeout(LISTING_TIMEOUT_MS));
    context.stdout.write(options.json ? `${JSON.stringify({ job: job.name, dryRun: true, sides }, null, 2)}\n` : `${formatPruneDryRun(job.name, sides)}\n`);
    return EXIT_OK;
  } catch (error) {
    context.stderr.write(`xrepl prune: job ${job.name}: ${errorMessage(error)}\n`);
    return EXIT_FAILED;
  }
}

/** Both sides' dry runs for a job, on endpoints built from its configuration. */
export async function pruneDryRun(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>, signal: AbortSignal, now = Date.now()): Promise<PruneSideDryRun[]> {
  const { sender, receiver } = await createJobEndpoints(job, pools);
  const [senderListing, receiverListing] = await Promise.all([
    listPruneSide({ sender, receiver }, 'sender', job.name, signal),
    listPruneSide({ sender, receiver }, 'receiver', job.name, signal),
  ]);
  return [
    pruneSideDryRun(senderListing, job.keepSender, 'sender', job.name, now, `jobs[${job.index}].pruning.keep_sender`),
    pruneSideDryRun(receiverListing, job.keepReceiver, 'receiver', job.name, now, `jobs[${job.index}].pruning.keep_receiver`),
  ];
}
