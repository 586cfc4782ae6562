#!/usr/bin/env node
/**
 * The `xrepl` command. This file only wires the command line to the command modules, each
 * imported when its command runs, so `xrepl --help` and `xrepl --version` load commander alone.
 */
import type { CommandContext } from './command-context.js';
import { EXIT_FAILED } from './exit-codes.js';
import { type CommandRunners, runProgram } from './program.js';

const runners: CommandRunners = {
  run: async (options, context) => (await import('./commands/run.js')).runCommand(options, context),
  prune: async (options, context) => (await import('./commands/prune.js')).pruneCommand(options, context),
  configCheck: async (options, context) => (await import('./commands/config-check.js')).configCheckCommand(options, context),
};

const context: CommandContext = { stdout: process.stdout, stderr: process.stderr };

try {
  process.exitCode = await runProgram(process.argv.slice(2), context, runners);
} catch (error) {
  // A bug, not an operator error: show the stack so it can be reported.
  process.stderr.write(`xrepl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT_FAILED;
}
