import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/command-context.js';
import { type CommandRunners, runProgram } from '../../src/cli/program.js';

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

// Runs the command line with runners that record what they were called with.
async function parse(argv: string[], result = 0) {
  const calls: { command: string; options: unknown; context: CommandContext }[] = [];
  const record =
    (command: string) =>
    async (options: unknown, context: CommandContext): Promise<number> => {
      calls.push({ command, options, context });
      return result;
    };
  const runners: CommandRunners = {
    run: record('run'),
    prune: record('prune'),
    configCheck: record('configCheck'),
    daemon: record('daemon'),
    status: record('status'),
    signal: record('signal'),
  };
  const stdout = sink();
  const stderr = sink();
  const code = await runProgram(argv, { stdout, stderr }, runners);
  return { code, calls, stdout: stdout.text, stderr: stderr.text };
}

describe('xrepl command line', () => {
  it('parses run with repeated --job, --json and the global --log-level after the command', async () => {
    const { code, calls } = await parse(['run', '--config', 'x.yml', '--job', 'a', '--job', 'b', '--once', '--json', '--log-level', 'debug']);
    expect(code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toBe('run');
    expect(calls[0]?.options).toMatchObject({ config: 'x.yml', job: ['a', 'b'], once: true, json: true, demo: false });
    expect(calls[0]?.context.logLevel).toBe('debug');
  });

  it("returns the command's exit code", async () => {
    expect((await parse(['run', '--demo', '--once'], 1)).code).toBe(1);
  });

  it('refuses run without --once, without --config or --demo, or with both, as usage errors (exit 2)', async () => {
    for (const argv of [['run', '--config', 'x.yml'], ['run', '--once'], ['run', '--once', '--demo', '--config', 'x.yml']]) {
      const { code, calls, stderr } = await parse(argv);
      expect(code).toBe(2);
      expect(calls).toEqual([]);
      expect(stderr).toMatch(/^xrepl run: /);
    }
  });

  it('requires prune --dry-run and --job', async () => {
    expect((await parse(['prune', '--config', 'x.yml', '--job', 'a'])).code).toBe(2);
    const missingJob = await parse(['prune', '--config', 'x.yml', '--dry-run']);
    expect(missingJob.code).toBe(2);
    expect(missingJob.stderr).toContain("required option '-j, --job <name>' not specified");
    const ok = await parse(['prune', '-c', 'x.yml', '-j', 'a', '--dry-run']);
    expect(ok.calls[0]?.options).toMatchObject({ config: 'x.yml', job: 'a', dryRun: true, json: false });
  });

  it('parses config check', async () => {
    const { calls } = await parse(['config', 'check', '--config', 'x.yml', '--print']);
    expect(calls[0]).toMatchObject({ command: 'configCheck', options: { config: 'x.yml', print: true } });
  });

  it('parses signal and status for the daemon commands', async () => {
    const signal = await parse(['signal', 'wakeup', 'backup', '--wait', '--socket', '/tmp/s']);
    expect(signal.calls[0]?.options).toEqual({ signal: 'wakeup', job: 'backup', wait: true, json: false, config: undefined, socket: '/tmp/s' });
    const bad = await parse(['signal', 'poke', 'backup']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected wakeup or reset');
    const status = await parse(['status', '--json', '--job', 'backup']);
    expect(status.calls[0]?.options).toMatchObject({ json: true, job: 'backup' });
    expect((await parse(['status', '--web'])).calls[0]?.options).toMatchObject({ web: true });
    expect((await parse(['status', '--web', ':9812'])).calls[0]?.options).toMatchObject({ web: ':9812' });
  });

  it('passes --inspect-url to the daemon and turns inspection on', async () => {
    const { calls } = await parse(['--inspect-url', 'ws://127.0.0.1:9', 'daemon', '--config', 'x.yml']);
    expect(calls[0]?.options).toMatchObject({ config: 'x.yml', inspectUrl: 'ws://127.0.0.1:9' });
    expect(calls[0]?.context.inspect).toBe(true);
  });

  it('refuses unknown commands, unknown options and bad log levels with exit 2', async () => {
    for (const argv of [['bogus'], ['run', '--once', '--demo', '--frobnicate'], ['--log-level', 'loud', 'run', '--demo', '--once']]) {
      const { code, calls } = await parse(argv);
      expect(code).toBe(2);
      expect(calls).toEqual([]);
    }
  });

  it('prints the version and help with exit 0', async () => {
    const version = await parse(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await parse(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['run', 'prune', 'config', 'daemon', 'status', 'signal']) expect(help.stdout).toContain(command);
  });
});
