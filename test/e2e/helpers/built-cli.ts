/**
 * The built `xrepl` command for end-to-end tests. The first e2e file of a vitest run builds the
 * package (`npm run build`); the others wait for it. Test workers of one run share their parent
 * process, so its pid names the run: a later run rebuilds, an earlier build is never trusted.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** The built command, as `npm install -g` would link it. */
export const CLI = join(ROOT, 'dist/src/cli/main.js');

const run = promisify(execFile);
const tmp = join(ROOT, '.xrepl-tmp');

/** Builds the package once per vitest run; resolves when `dist/` is current. */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(tmp, { recursive: true });
  const lock = join(tmp, `e2e-build-${process.ppid}.lock`);
  const done = join(tmp, `e2e-build-${process.ppid}.done`);
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch {
    // Another worker of this run is building.
  }
  if (owner) {
    try {
      await run('npm', ['run', 'build'], { cwd: ROOT });
      writeFileSync(done, 'ok');
    } catch (error) {
      writeFileSync(done, `failed: ${String(error)}`);
      throw error;
    }
    return;
  }
  for (let waited = 0; !existsSync(done); waited += 250) {
    if (waited > 180_000) throw new Error('timed out waiting for another worker to build');
    await sleep(250);
  }
}

/** What a run of the command produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command with arguments, as an operator would, from the repository root. */
export async function xrepl(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { cwd: ROOT, timeout: options.timeoutMs ?? 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
