import { stringify } from 'yaml';
import { ConfigFileError } from '../../config/config-problem.js';
import { describeConfig } from '../../config/describe-config.js';
import { loadConfigFile } from '../../config/parse-config.js';
import { redactSecrets } from '../../config/redact-secrets.js';
import type { CommandContext } from '../command-context.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { ConfigCheckCommandOptions } from '../program.js';

/** `xrepl config check`: validates the file and summarises its jobs; exit 2 when it is invalid. */
export async function configCheckCommand(options: ConfigCheckCommandOptions, context: CommandContext): Promise<number> {
  try {
    const config = await loadConfigFile(options.config);
    context.stdout.write(`${describeConfig(config)}\n`);
    if (options.print) context.stdout.write(`---\n${stringify(redactSecrets(config))}`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigFileError) {
      context.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
