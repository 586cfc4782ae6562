/**
 * The built `xrepl` command for end-to-end tests, as `npm test` builds it before the suite.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** The built command, as `npm install -g` would link it. */
export const CLI = join(ROOT, 'dist/cli/main.js');

const run = promisify(execFile);

/**
 * Resolves when the built command is there. `npm test` builds before the suite runs, so the end-to-end
 * tests run what an operator would install; run `npm run build` first when running them alone.
 */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does) before the end-to-end tests`);
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
