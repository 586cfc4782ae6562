import { ConfigFileError } from '../config/config-problem.js';
import type { JobConfig, XreplConfig } from '../config/config-types.js';
import { loadConfigFile } from '../config/parse-config.js';
import type { CommandContext } from './command-context.js';
import { EXIT_USAGE } from './exit-codes.js';

/**
 * Loads a configuration file and finds one job in it, for commands that work on one job. On a bad
 * file or an unknown job it prints why (naming the jobs there are) and resolves with exit code 2.
 */
export async function loadJob(file: string, name: string, context: CommandContext, command: string): Promise<{ job: JobConfig; config: XreplConfig } | number> {
  let config;
  try {
    config = await loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      context.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const job = config.jobs.find((j) => j.name === name);
  if (job !== undefined) return { job, config };
  context.stderr.write(`xrepl ${command}: no job named ${JSON.stringify(name)} in ${config.source}; its jobs are ${config.jobs.map((j) => j.name).join(', ')}\n`);
  return EXIT_USAGE;
}
