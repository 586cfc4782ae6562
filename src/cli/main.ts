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
  daemon: async (options, context) => (await import('../daemon/daemon-command.js')).runDaemonCommand(options, context),
  status: async (options, context) => (await import('../daemon/status-command.js')).runStatusCommand(options, context),
  signal: async (options, context) => (await import('../daemon/signal-command.js')).runSignalCommand(options, context),
};

const context: CommandContext = { stdout: process.stdout, stderr: process.stderr };

try {
  const code = await runProgram(process.argv.slice(2), context, runners);
  // @statelyai/inspect's WebSocket retries on a timer that its stop() leaves behind; once the
  // jobs are done and the inspector flushed, nothing else is pending, so end the process here.
  if (process.argv.some((arg) => arg === '--inspect' || arg.startsWith('--inspect-url'))) process.exit(code);
  process.exitCode = code;
} catch (error) {
  // A bug, not an operator error: show the stack so it can be reported.
  process.stderr.write(`xrepl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT_FAILED;
}
