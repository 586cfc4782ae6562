import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';

const processContext = (): CommandContext => ({ stdout: process.stdout, stderr: process.stderr });
const processExitCode = (code: number): void => {
  process.exitCode = code;
};

/** Registers `xrepl status` on the program; its implementation is imported when it runs. */
export function registerStatusCommand(program: Command, context: () => CommandContext = processContext,
  setExitCode: (code: number) => void = processExitCode,
): void {
  program
    .command('status')
    .description("show the daemon's jobs: machine states and per-filesystem progress, refreshed in place on a terminal")
    .option('-j, --job <name>', 'only this job')
    .option('--json', 'print one report (an array of job reports) as JSON and exit', false)
    .option('--socket <path>', 'control socket path')
    .option('-c, --config <file>', "read the control socket path from this configuration's global.control.socket_path")
    .action(async (options: { job?: string; json: boolean; socket?: string; config?: string }) => {
      const { runStatusCommand } = await import('../../daemon/status-command.js');
      setExitCode(await runStatusCommand(options, context()));
    });
}
