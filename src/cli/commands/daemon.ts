import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';

const processContext = (): CommandContext => ({ stdout: process.stdout, stderr: process.stderr });
const processExitCode = (code: number): void => {
  process.exitCode = code;
};

/** Registers `xrepl daemon` on the program; its implementation is imported when it runs. */
export function registerDaemonCommand(program: Command, context: () => CommandContext = processContext,
  setExitCode: (code: number) => void = processExitCode,
): void {
  program
    .command('daemon')
    .description('run every job on its interval, with periodic snapshotters waking replication; serve the control socket')
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .option('--socket <path>', 'control socket path (overrides global.control.socket_path)')
    .option('--inspect-url <url>', 'send the actors to a Stately inspector relay at this ws:// address (implies --inspect)')
    .action(async (options: { config: string; socket?: string; inspectUrl?: string }) => {
      const { runDaemonCommand } = await import('../../daemon/daemon-command.js');
      setExitCode(await runDaemonCommand(options, context()));
    });
}
