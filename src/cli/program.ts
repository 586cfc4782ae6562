import { Command, CommanderError, Option } from 'commander';
import type { CommandContext } from './command-context.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { LOG_LEVEL_NAMES } from './log-level-names.js';
import { packageVersion } from './package-version.js';
import type { DaemonCommandOptions } from '../daemon/daemon-command.js';
import type { SignalCommandOptions } from '../daemon/signal-command.js';
import type { StatusCommandOptions } from '../daemon/status-command.js';
import type { ServeCommandOptions } from './commands/serve.js';
import type { TestCommandOptions } from './commands/test.js';
import type { CheckCommandOptions } from './commands/check.js';

/** Options of `xrepl run`, as parsed. */
export interface RunCommandOptions {
  config?: string | undefined;
  demo: boolean;
  job: string[];
  once: boolean;
  json: boolean;
}

/** Options of `xrepl prune`, as parsed. */
export interface PruneCommandOptions {
  config: string;
  job: string;
  dryRun: boolean;
  json: boolean;
}

/** Options of `xrepl config check`, as parsed. */
export interface ConfigCheckCommandOptions {
  config: string;
  print: boolean;
}

/** What each command does once parsed; main.ts loads them lazily, tests pass fakes. */
export interface CommandRunners {
  run(options: RunCommandOptions, context: CommandContext): Promise<number>;
  prune(options: PruneCommandOptions, context: CommandContext): Promise<number>;
  configCheck(options: ConfigCheckCommandOptions, context: CommandContext): Promise<number>;
  daemon(options: DaemonCommandOptions, context: CommandContext): Promise<number>;
  status(options: StatusCommandOptions, context: CommandContext): Promise<number>;
  signal(options: SignalCommandOptions, context: CommandContext): Promise<number>;
  /** Optional so that callers written before it keep working; the command module is loaded lazily otherwise. */
  serve?(options: ServeCommandOptions, context: CommandContext): Promise<number>;
  /** `xrepl test filesystems|placeholder`; optional, loaded lazily otherwise. */
  test?(which: 'filesystems' | 'placeholder', options: TestCommandOptions, context: CommandContext): Promise<number>;
  /** `xrepl check snapshots`; optional, loaded lazily otherwise. */
  checkSnapshots?(options: CheckCommandOptions, context: CommandContext): Promise<number>;
}

// Thrown by an action to end with a usage error (exit 2) and a message.
class UsageError extends Error {}

/**
 * Builds the `xrepl` command line. Only commander is loaded here: each command's module is
 * imported by its runner when the command runs, so `--help` and `--version` stay fast.
 */
export function createProgram(base: CommandContext, runners: CommandRunners, setExitCode: (code: number) => void): Command {
  const program = new Command('xrepl');
  const context = (): CommandContext => {
    const globals = program.opts<{ logLevel?: string; inspect?: boolean; inspectUrl?: string }>();
    return { ...base, logLevel: globals.logLevel, inspect: globals.inspect === true || globals.inspectUrl !== undefined, inspectUrl: globals.inspectUrl };
  };
  const optionsOf = <T>(name: string, parent: Command = program): T => {
    const command = parent.commands.find((c) => c.name() === name);
    if (command === undefined) throw new UsageError(`${name}: unknown command`);
    return command.opts<T & object>();
  };
  const act = (work: () => Promise<number>) => async (): Promise<void> => {
    setExitCode(await work());
  };
  program
    .description('ZFS snapshot replication and pruning, driven by XState statecharts')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .addOption(new Option('--log-level <level>', 'log level (overrides global.logging.level)').choices(LOG_LEVEL_NAMES))
    .option('--inspect', "connect the jobs' actors to the Stately inspector (see docs/cli.md)")
    .option('--inspect-url <url>', 'the inspector relay to connect to (implies --inspect; default ws://localhost:8080)')
    .showHelpAfterError('(run "xrepl --help" for usage)')
    .configureOutput({
      writeOut: (text) => base.stdout.write(text),
      writeErr: (text) => base.stderr.write(text),
    })
    .exitOverride();

  program
    .command('run')
    .description('run the selected jobs once: snapshot (periodic jobs), replicate, prune both sides; print a report')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option('--demo', 'run the built-in demo on two simulated pools instead of a configuration file', false)
    .option('-j, --job <name>', 'run only this job (repeatable); all jobs by default', (value: string, previous: string[]) => [...previous, value], [])
    .option('--once', 'run each job once and exit (required; `xrepl daemon` runs jobs on their intervals)', false)
    .option('--json', 'print the final report as JSON on stdout', false)
    .action(
      act(async () => {
        const options = optionsOf<RunCommandOptions>('run');
        if (options.config === undefined && !options.demo) throw new UsageError('run: give --config FILE (or --demo)');
        if (options.config !== undefined && options.demo) throw new UsageError('run: give either --config or --demo, not both');
        if (!options.once) throw new UsageError('run: --once is required (use "xrepl daemon" to run jobs on their intervals)');
        return runners.run(options, context());
      }),
    );

  program
    .command('prune')
    .description("show what each side's pruner would destroy and which rules keep the rest")
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .requiredOption('-j, --job <name>', 'the job whose keep rules to apply')
    .option('--dry-run', 'only show; destroy nothing (required)', false)
    .option('--json', 'print the plan as JSON', false)
    .action(
      act(async () => {
        const options = optionsOf<PruneCommandOptions>('prune');
        if (!options.dryRun) throw new UsageError('prune: only --dry-run is supported; jobs prune as part of "xrepl run"');
        return runners.prune(options, context());
      }),
    );

  const config = program.command('config').description('work with configuration files');
  config
    .command('check')
    .description('validate a configuration file and summarise its jobs (nothing runs)')
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .option('--print', 'also print the resolved configuration (secrets redacted)', false)
    .action(
      act(async () => {
        return runners.configCheck(optionsOf<ConfigCheckCommandOptions>('check', config), context());
      }),
    );

  program
    .command('daemon')
    .description('run every job on its interval, with its snapshotter, and serve the control socket')
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .option('--socket <path>', 'control socket path (overrides global.control.socket_path)')
    .action(
      act(async () => {
        const options = optionsOf<{ config: string; socket?: string }>('daemon');
        const ctx = context();
        return runners.daemon({ config: options.config, socket: options.socket, inspectUrl: ctx.inspectUrl }, ctx);
      }),
    );

  program
    .command('status')
    .description("show the daemon's jobs: their machines' states and per-filesystem progress, refreshed in place")
    .option('-j, --job <name>', 'only this job')
    .option('--json', 'print one report as JSON and exit', false)
    .option('-c, --config <file>', 'find the control socket through this configuration')
    .option('--socket <path>', 'control socket path')
    .option('--web [host:port]', "serve the daemon's statecharts live in a browser, through the control socket (default 127.0.0.1, a free port)")
    .action(act(async () => runners.status(optionsOf<StatusCommandOptions>('status'), context())));

  program
    .command('signal')
    .description('wake up or reset a job of the running daemon')
    .argument('<signal>', 'wakeup or reset')
    .argument('<job>', 'the job name')
    .option('--wait', 'wakeup: return when the woken invocation ends, with its result', false)
    .option('--json', 'with --wait: print the invocation report as JSON', false)
    .option('-c, --config <file>', 'find the control socket through this configuration')
    .option('--socket <path>', 'control socket path')
    .action(
      act(async () => {
        const command = program.commands.find((c) => c.name() === 'signal');
        const [signal, job] = (command?.processedArgs ?? []) as string[];
        if (signal !== 'wakeup' && signal !== 'reset') throw new UsageError(`signal: expected wakeup or reset, got ${JSON.stringify(signal)}`);
        const options = optionsOf<{ wait: boolean; json: boolean; config?: string; socket?: string }>('signal');
        return runners.signal({ signal, job: job ?? '', wait: options.wait, json: options.json, config: options.config, socket: options.socket }, context());
      }),
    );

  program
    .command('serve')
    .description('serve this machine\'s sink and source jobs to one client over the xrepl protocol on stdin/stdout (an ssh forced command)')
    .option('--stdio', 'speak the protocol on stdin and stdout (required)', false)
    .requiredOption('--client <name>', "the client's name: a sink puts its filesystems below root_fs/<name>")
    .requiredOption('-c, --config <file>', "the server's configuration file (YAML) with sink and source jobs")
    .option('-j, --job <name>', 'serve only this job to the client (needed when the file has several sink and source jobs)')
    .action(
      act(async () => {
        const options = optionsOf<ServeCommandOptions>('serve');
        if (!options.stdio) throw new UsageError('serve: --stdio is required (the only way xrepl serve talks to a client)');
        const serve = runners.serve ?? (async (o: ServeCommandOptions, c: CommandContext) => (await import('./commands/serve.js')).serveCommand(o, c));
        return serve(options, context());
      }),
    );

  // zrepl's `test filesystems` and `test placeholder`: look, change nothing.
  const test = program.command('test').description("check a job's filter and receiver against live listings (nothing changes)");
  const runTest = (which: 'filesystems' | 'placeholder') =>
    act(async () => {
      const options = optionsOf<TestCommandOptions>(which, test);
      const runner =
        runners.test ??
        (async (w: 'filesystems' | 'placeholder', o: TestCommandOptions, c: CommandContext) => {
          const module = await import('./commands/test.js');
          return w === 'filesystems' ? module.testFilesystemsCommand(o, c) : module.testPlaceholderCommand(o, c);
        });
      return runner(which, options, context());
    });
  test
    .command('filesystems')
    .description("list the sender's filesystems: which the job's filesystems patterns select (ACCEPT) and where each lands")
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .requiredOption('-j, --job <name>', 'the job whose filter and root_fs to apply')
    .option('--json', 'print the verdicts as JSON', false)
    .action(runTest('filesystems'));
  test
    .command('placeholder')
    .description("list the replicas below the job's root_fs: which are placeholders xrepl made and which hold data")
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .requiredOption('-j, --job <name>', 'the job whose receiver to look at')
    .option('--dataset <filesystem>', "only this sender filesystem's replica")
    .option('--json', 'print the states as JSON', false)
    .action(runTest('placeholder'));

  // A monitoring-plugin check: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one line with perfdata.
  const check = program.command('check').description('monitoring-plugin checks (Nagios, Icinga): exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN');
  check
    .command('snapshots')
    .description("how old each filesystem's newest snapshot is on the sender and on the receiver (replication lag)")
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .requiredOption('-j, --job <name>', 'the job whose filesystems to check')
    .requiredOption('-w, --warning <duration>', 'WARNING when a newest snapshot is at least this old (e.g. 2h)')
    .requiredOption('-C, --critical <duration>', 'CRITICAL when at least this old, or when a filesystem has none (e.g. 6h)')
    .option('--side <side>', 'sender, receiver or both', 'both')
    .option('--prefix <prefix>', 'count only snapshots whose name starts with this')
    .action(
      act(async () => {
        const options = optionsOf<CheckCommandOptions>('snapshots', check);
        const runner = runners.checkSnapshots ?? (async (o: CheckCommandOptions, c: CommandContext) => (await import('./commands/check.js')).checkSnapshotsCommand(o, c));
        return runner(options, context());
      }),
    );

  return program;
}

/**
 * Parses `argv` (without `node` and the script) and runs the chosen command, resolving with the
 * exit code: usage errors are 2, help and version are 0.
 */
export async function runProgram(argv: readonly string[], base: CommandContext, runners: CommandRunners): Promise<number> {
  let code: number = EXIT_OK;
  const program = createProgram(base, runners, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      base.stderr.write(`xrepl ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return code;
}
