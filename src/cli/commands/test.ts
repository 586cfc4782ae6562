import type { JobConfig } from '../../config/config-types.js';
import { createJobEndpoints, senderRoots } from '../../config/job-endpoints.js';
import { createMemoryPoolsFromConfig } from '../../config/memory-pools-from-config.js';
import { errorMessage } from '../../domain/errors.js';
import { printableLine } from '../../domain/printable-text.js';
import type { Endpoint } from '../../endpoint/endpoint.js';
import type { MemoryPool } from '../../endpoint/memory/memory-pool.js';
import { filesystemFilter } from '../../filter/filesystem-filter.js';
import type { CommandContext } from '../command-context.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { loadJob } from '../load-job.js';

/** Options of `xrepl test filesystems` and `xrepl test placeholder`, as parsed. */
export interface TestCommandOptions {
  config: string;
  job: string;
  json: boolean;
  /** `test placeholder`: only this sender filesystem's replica. */
  dataset?: string | undefined;
}

/** A bound for the listings (one per side). */
const LISTING_TIMEOUT_MS = 120_000;

/** One sender filesystem and what the job's filter makes of it. */
export interface FilesystemVerdict {
  filesystem: string;
  accepted: boolean;
  /** Where it lands on the receiver, when accepted. */
  target?: string | undefined;
}

/** One dataset below root_fs and whether xrepl made it as a placeholder. */
export interface PlaceholderState {
  /** The sender filesystem it stands for. */
  filesystem: string;
  /** Its name on the receiver. */
  target: string;
  placeholder: boolean;
}

// The sender seen without the job's filter, so that rejected filesystems are listed too; an xrepl
// serve source shows only what it serves, all of it accepted by its own filter already.
async function unfilteredSender(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>): Promise<Endpoint> {
  const all = { matches: (): boolean => true };
  if (job.sender.type === 'memory') {
    const pool = pools.get(job.sender.pool);
    if (pool !== undefined) return pool.sender({ filter: all });
  } else if (job.sender.type === 'zfs') {
    const { createZfsEndpointFromConfig } = await import('../../config/zfs-endpoint-from-config.js');
    return createZfsEndpointFromConfig(job.sender, { role: 'sender', filter: all, roots: senderRoots(job.filesystems) });
  }
  return (await createJobEndpoints(job, pools)).sender;
}

/** Which of the sender's filesystems (a live listing) the job's filter selects, and where each lands. */
export async function filesystemVerdicts(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>, signal: AbortSignal): Promise<FilesystemVerdict[]> {
  const filter = filesystemFilter(job.filesystems, { configPath: `jobs[${job.index}].filesystems` });
  const listed = await (await unfilteredSender(job, pools)).listFilesystems(signal);
  return listed
    .map((f) => f.path)
    .sort()
    .map((filesystem) => (filter.matches(filesystem) ? { filesystem, accepted: true, target: `${job.rootFs}/${filesystem}` } : { filesystem, accepted: false }));
}

// Everything below root_fs, as zrepl's test placeholder shows it: placeholders above the
// replicas are no filesystem the filter passes.
async function unfilteredReceiver(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>): Promise<Endpoint> {
  if (job.receiver.type === 'memory') {
    const pool = pools.get(job.receiver.pool);
    if (pool !== undefined) return pool.receiver({ rootFs: job.rootFs });
  } else if (job.receiver.type === 'zfs') {
    const { createZfsEndpointFromConfig } = await import('../../config/zfs-endpoint-from-config.js');
    return createZfsEndpointFromConfig(job.receiver, { role: 'receiver', rootFs: job.rootFs });
  }
  return (await createJobEndpoints(job, pools)).receiver;
}

/** The datasets below the job's root_fs, each with whether it is a placeholder. */
export async function placeholderStates(job: JobConfig, pools: ReadonlyMap<string, MemoryPool>, signal: AbortSignal): Promise<PlaceholderState[]> {
  const listed = await (await unfilteredReceiver(job, pools)).listFilesystems(signal);
  return listed
    .map((f) => ({ filesystem: f.path, target: `${job.rootFs}/${f.path}`, placeholder: f.placeholder }))
    .sort((a, b) => a.filesystem.localeCompare(b.filesystem));
}

/** `xrepl test filesystems`: prints ACCEPT or REJECT for each sender filesystem, with its target. */
export async function testFilesystemsCommand(options: TestCommandOptions, context: CommandContext): Promise<number> {
  const loaded = await loadJob(options.config, options.job, context, 'test filesystems');
  if (typeof loaded === 'number') return loaded;
  const { job, config } = loaded;
  try {
    const verdicts = await filesystemVerdicts(job, createMemoryPoolsFromConfig(config.memoryPools), AbortSignal.timeout(LISTING_TIMEOUT_MS));
    if (options.json) context.stdout.write(`${JSON.stringify({ job: job.name, filesystems: verdicts }, null, 2)}\n`);
    else {
      const lines = verdicts.map((v) => (v.accepted ? `ACCEPT ${printableLine(v.filesystem)} -> ${printableLine(v.target ?? '')}` : `REJECT ${printableLine(v.filesystem)}`));
      const accepted = verdicts.filter((v) => v.accepted).length;
      context.stdout.write(`${[...lines, `${accepted} of ${verdicts.length} filesystems selected by job ${job.name}`].join('\n')}\n`);
    }
    return EXIT_OK;
  } catch (error) {
    context.stderr.write(`xrepl test filesystems: job ${job.name}: ${errorMessage(error)}\n`);
    return EXIT_FAILED;
  }
}

/** `xrepl test placeholder`: prints each replica below root_fs as a placeholder or as data. */
export async function testPlaceholderCommand(options: TestCommandOptions, context: CommandContext): Promise<number> {
  const loaded = await loadJob(options.config, options.job, context, 'test placeholder');
  if (typeof loaded === 'number') return loaded;
  const { job, config } = loaded;
  try {
    const all = await placeholderStates(job, createMemoryPoolsFromConfig(config.memoryPools), AbortSignal.timeout(LISTING_TIMEOUT_MS));
    const states = options.dataset === undefined ? all : all.filter((s) => s.filesystem === options.dataset);
    if (options.dataset !== undefined && states.length === 0) {
      context.stderr.write(`xrepl test placeholder: job ${job.name}: ${printableLine(options.dataset)} has no replica below ${job.rootFs}\n`);
      return EXIT_FAILED;
    }
    if (options.json) context.stdout.write(`${JSON.stringify({ job: job.name, rootFs: job.rootFs, filesystems: states }, null, 2)}\n`);
    else context.stdout.write(`${states.map((s) => `${s.placeholder ? 'placeholder' : 'data       '} ${printableLine(s.target)}`).join('\n')}${states.length > 0 ? '\n' : ''}`);
    return EXIT_OK;
  } catch (error) {
    context.stderr.write(`xrepl test placeholder: job ${job.name}: ${errorMessage(error)}\n`);
    return EXIT_FAILED;
  }
}
