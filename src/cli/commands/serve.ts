/**
 * `xrepl serve --stdio --client NAME --config FILE`: the server end of `ssh+stdinserver`, run by
 * an authorized_keys forced command. stdout carries only the protocol; logs go to stderr.
 */
import { ConfigFileError } from '../../config/config-problem.js';
import type { ServeJobConfig } from '../../config/config-types.js';
import { loadConfigFile } from '../../config/parse-config.js';
import { createZfsEndpoint } from '../../endpoint/zfs-endpoint.js';
import { filesystemFilter } from '../../filter/filesystem-filter.js';
import { keepRulesFromConfig } from '../../pruning/keep-rules-from-config.js';
import { senderRoots } from '../../config/job-endpoints.js';
import { serveConnection, type Service } from '../../serve/endpoint-server.js';
import { CLIENT_NAME_PATTERN, noJobFor, sinkService, sourceService } from '../../serve/serve-services.js';
import type { CommandContext } from '../command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

/** Options of `xrepl serve`, as parsed. */
export interface ServeCommandOptions {
  stdio: boolean;
  client: string;
  config: string;
  /** The one server job this client may use; needed when the file has several serve jobs. */
  job?: string | undefined;
}

/** Serves one client on stdin/stdout until it disconnects; exit 0 then, 1 when the connection broke, 2 for usage. */
export async function serveCommand(options: ServeCommandOptions, context: CommandContext): Promise<number> {
  const log = (level: string, message: string): void => void context.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), client: options.client, msg: message })}\n`);
  if (!options.stdio) {
    context.stderr.write('xrepl serve: only --stdio is supported (run it as an authorized_keys forced command)\n');
    return EXIT_USAGE;
  }
  if (!CLIENT_NAME_PATTERN.test(options.client)) {
    context.stderr.write(`xrepl serve: invalid --client ${JSON.stringify(options.client)}: use 1 to 64 letters, digits or "_.:-"\n`);
    return EXIT_USAGE;
  }
  let jobs: ServeJobConfig[];
  try {
    jobs = (await loadConfigFile(options.config)).serveJobs ?? [];
  } catch (error) {
    if (error instanceof ConfigFileError) {
      context.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options.job !== undefined) jobs = jobs.filter((job) => job.name === options.job);
  const resolve = (role: 'sink' | 'source'): Service | string => {
    // Without --job a key could ask for any role: a sink client would read the source's data.
    if (options.job === undefined && jobs.length > 1) {
      return `this server has several jobs (${jobs.map((j) => `${j.type} ${j.name}`).join(', ')}); the forced command of client ${options.client}'s key must name the one it may use with --job`;
    }
    const candidates = jobs.filter((job) => job.type === role);
    const job = candidates[0];
    if (job === undefined) return noJobFor(role, options.client, jobs.map((j) => `${j.type} ${j.name}`));
    if (candidates.length > 1) return `several ${role} jobs here (${candidates.map((j) => j.name).join(', ')}); the forced command must choose one with --job`;
    if (job.type === 'sink') {
      const floor = job.floor === undefined || job.floor === 'all' ? job.floor : keepRulesFromConfig(job.floor, `jobs[${job.index}].retention_floor`);
      return sinkService({ job: job.name, client: options.client, rootFs: job.rootFs, floor, receiverAt: (rootFs) => createZfsEndpoint({ role: 'receiver', rootFs, createRootFs: true }) });
    }
    const filter = filesystemFilter(job.filesystems, { configPath: `jobs[${job.index}].filesystems` });
    return sourceService({ job: job.name, client: options.client, endpoint: createZfsEndpoint({ roots: senderRoots(job.filesystems) }), filter });
  };
  // Closing stdin too lets the process exit when the server ends the connection (a protocol
  // violation) while the client keeps its end open: ssh returns once the forced command exits.
  const error = await serveConnection({ input: process.stdin, output: process.stdout, close: () => process.stdin.destroy() }, { resolve, log });
  return error === undefined ? EXIT_OK : EXIT_FAILED;
}
