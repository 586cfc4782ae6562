/** Runs xrepl on real pools: the built CLI (the whole tool) or the library in this process. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { createZfsEndpoint } from '../../src/endpoint/zfs-endpoint.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import type { ReplicationJob } from '../../src/runner/replication-job.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';

/** The built CLI, relative to the repository root (`npm run build`). */
export const CLI_PATH = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

/** True when `npm run build` has produced the CLI. */
export function cliBuilt(): boolean {
  return existsSync(CLI_PATH);
}

/** One local job: `sourceRoot` and everything below it, received under `rootFs`. */
export interface BenchJob {
  name: string;
  sourceRoot: string;
  rootFs: string;
  concurrency: number;
}

/** Writes the job as an xrepl config file: manual snapshots, keep everything on both sides. */
export async function writeJobConfig(file: string, job: BenchJob): Promise<void> {
  const yaml = [
    'global:',
    '  logging: { level: error, format: json }',
    'jobs:',
    `  - name: ${job.name}`,
    '    type: local',
    '    filesystems:',
    `      "${job.sourceRoot}<": true`,
    `    root_fs: ${job.rootFs}`,
    '    snapshotting: { type: manual }',
    '    pruning:',
    '      keep_sender: []',
    '      keep_receiver: []',
    '    replication:',
    `      concurrency: ${job.concurrency}`,
    '      initial_replication: most_recent',
    '',
  ].join('\n');
  await writeFile(file, yaml);
}

/** Runs `xrepl run --config FILE --once` with the built CLI; throws with its output unless it exits 0. */
export async function runCli(configFile: string, env: Record<string, string> = {}): Promise<void> {
  const r = await execa('node', [CLI_PATH, 'run', '--config', configFile, '--once', '--log-level', 'error'], { reject: false, env });
  if (r.exitCode !== 0) throw new Error(`xrepl run exited ${r.exitCode}: ${r.stderr}\n${r.stdout}`);
}

/** The same job through the library in this process (no CLI start-up, no config parsing). */
export function libraryJob(job: BenchJob, zfsPath = 'zfs'): ReplicationJob {
  const transport = createLocalTransport({ zfsPath });
  return createReplicationJob({
    name: job.name,
    sender: createZfsEndpoint({
      transport,
      role: 'sender',
      roots: [job.sourceRoot],
      filter: { matches: (p) => p === job.sourceRoot || p.startsWith(`${job.sourceRoot}/`) },
    }),
    receiver: createZfsEndpoint({ transport, role: 'receiver', rootFs: job.rootFs }),
    concurrency: job.concurrency,
    // No pruning, as in the CLI's config: syncoid and the hand-written peers prune nothing either.
    keepSender: [],
    keepReceiver: [],
  });
}

/** Runs one invocation of a library job and throws unless it ended ok. */
export async function runLibrary(job: ReplicationJob): Promise<void> {
  const report = await job.runOnce();
  if (report.last?.ok !== true) throw new Error(`xrepl job failed: ${JSON.stringify(report.last)}`);
}
