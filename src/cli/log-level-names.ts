/** The levels `--log-level` accepts (pino's names). Kept apart from the config schema so that parsing the command line never loads zod. */
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
