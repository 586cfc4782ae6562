import type { CommandContext } from '../cli/command-context.js';
import { runJobsOnce } from '../cli/commands/run.js';
import { EXIT_FAILED, EXIT_OK } from '../cli/exit-codes.js';
import { createMemoryPoolsFromConfig } from '../config/memory-pools-from-config.js';
import { parseConfig } from '../config/parse-config.js';
import { DEMO_CONFIG_YAML } from './demo-config.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  json: boolean;
}

const INTRO = `xrepl demo: two simulated pools ("production" and "backup"), job "demo" replicating tank< (without tank/scratch)
  injected: slow streams on every send; one transient send failure on tank/home/alice (retried after 300 ms);
            one hanging send on tank/projects/database (the 2 s watchdog cancels the replication; pruning still runs)
  the job runs twice: the second invocation replicates what the first could not
`;

/**
 * The embedded demo behind `npm run demo` (`xrepl run --demo --once`): the configuration in
 * `demo-config.ts` run for two invocations, with the live view and the final report. Exit 0 when
 * the second invocation completed.
 */
export async function runDemo(options: DemoOptions, context: CommandContext): Promise<number> {
  const config = parseConfig(DEMO_CONFIG_YAML, '<demo>');
  if (!options.json) context.stderr.write(INTRO);
  const result = await runJobsOnce({ config, pools: createMemoryPoolsFromConfig(config.memoryPools, { seed: 1 }) }, config.jobs, context, {
    json: options.json,
    invocations: 2,
  });
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
