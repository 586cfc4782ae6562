import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI (`npm run build`); `XREPL_E2E_CLI` may name another entry point (e.g. `--import tsx src/cli/main.ts`). */
export const CLI_ARGS = process.env['XREPL_E2E_CLI']?.split(' ') ?? [resolve('dist/cli/main.js')];


/** A daemon started from the CLI, with what it logged so far. */
export interface DaemonProcess {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs the CLI to completion. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Starts `xrepl daemon` and resolves once it logged that it started. */
export async function startDaemonProcess(args: string[]): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [...CLI_ARGS, 'daemon', ...args]);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const check = () => {
      if (stderr.includes('daemon started')) ready();
    };
    child.stderr.on('data', check);
    void exited.then((code) => fail(new Error(`daemon exited with ${code} before it started:\n${stderr}`)));
  });
  return { child, stderr: () => stderr, exited };
}

/** A temp dir with a memory-pool daemon config whose control socket lives inside it. */
export async function daemonConfigDir(extraGlobal = ''): Promise<{ dir: string; config: string; socket: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'xrepl-e2e-'));
  const socket = join(dir, 'control.sock');
  const config = join(dir, 'xrepl.yml');
  await writeFile(
    config,
    `global:
  control: { socket_path: ${JSON.stringify(socket)} }
  logging: { level: info, format: json }
${extraGlobal}memory_pools:
  src:
    filesystems:
      tank/data: { snapshots: [base_1, base_2] }
      tank/data/a: { snapshots: [base_1] }
  dst:
    filesystems:
      backup: null
jobs:
  - name: backup
    type: local
    sender: { type: memory, pool: src }
    receiver: { type: memory, pool: dst }
    filesystems: { "tank/data<": true }
    root_fs: backup
    snapshotting: { type: periodic, prefix: xrepl_, interval: 1h }
    pruning:
      keep_sender: [ { type: not_replicated }, { type: last_n, count: 10 } ]
      keep_receiver: [ { type: last_n, count: 10 } ]
`,
  );
  return { dir, config, socket, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
