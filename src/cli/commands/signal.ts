import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from '../command-context.js';

const processContext = (): CommandContext => ({ stdout: process.stdout, stderr: process.stderr });
const processExitCode = (code: number): void => {
  process.exitCode = code;
};

/** Registers `xrepl signal wakeup|reset JOB` on the program; its implementation is imported when it runs. */
export function registerSignalCommand(program: Command, context: () => CommandContext = processContext,
  setExitCode: (code: number) => void = processExitCode,
): void {
  program
    .command('signal')
    .description("wake a daemon job's replication now, or reset (cancel) its current invocation")
    .argument('<signal>', 'wakeup or reset', (value: string) => {
      if (value !== 'wakeup' && value !== 'reset') throw new InvalidArgumentError('expected wakeup or reset');
      return value;
    })
    .argument('<job>', 'the job name')
    .option('--wait', 'wakeup only: wait for the woken invocation to end; exit 0 if it succeeded, 1 otherwise', false)
    .option('--json', 'print the result as JSON', false)
    .option('--socket <path>', 'control socket path')
    .option('-c, --config <file>', "read the control socket path from this configuration's global.control.socket_path")
    .action(async (signal: 'wakeup' | 'reset', job: string, options: { wait: boolean; json: boolean; socket?: string; config?: string }) => {
      const { runSignalCommand } = await import('../../daemon/signal-command.js');
      setExitCode(await runSignalCommand({ signal, job, ...options }, context()));
    });
}
