import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/hooks/run-command.js';

let dir: string;
const script = async (name: string, body: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
};
// Running: it exists and is no zombie (an orphan's zombie waits for a reaper this container may lack).
const alive = async (pid: number): Promise<boolean> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-hooks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runCommand', () => {
  it('passes the environment and reports success with the output', async () => {
    const path = await script('ok.sh', 'echo "$ZREPL_HOOKTYPE $ZREPL_FS"');
    const outcome = await runCommand(path, { env: { ZREPL_HOOKTYPE: 'pre_snapshot', ZREPL_FS: 'tank/a' }, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, timedOut: false, output: 'pre_snapshot tank/a' });
  });

  it('reports a non-zero exit with its code and output', async () => {
    const path = await script('fail.sh', 'echo broken >&2; exit 3');
    const outcome = await runCommand(path, { env: {}, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ ok: false, exitCode: 3, failure: 'exited with code 3', output: 'broken' });
  });

  it('reports a missing program as a failure to start, never a throw', async () => {
    const outcome = await runCommand(join(dir, 'missing'), { env: {}, timeoutMs: 10_000 });
    expect(outcome.ok).toBe(false);
    expect(outcome.failure).toMatch(/ENOENT/);
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const pidFile = join(dir, 'child.pid');
    const path = await script('hang.sh', `sleep 300 &\necho $! > ${pidFile}\nwait`);
    const outcome = await runCommand(path, { env: {}, timeoutMs: 500, killGraceMs: 200 });
    expect(outcome).toMatchObject({ ok: false, timedOut: true, failure: 'timed out after 500 ms' });
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    // SIGKILL to the group is sent before runCommand resolves; give the kernel a moment to reap.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await alive(child)).toBe(false);
  });

  it('a program that ignores SIGTERM still ends by SIGKILL after the grace time', async () => {
    const path = await script('stubborn.sh', "trap '' TERM\nwhile :; do sleep 1; done");
    const outcome = await runCommand(path, { env: {}, timeoutMs: 300, killGraceMs: 300 });
    expect(outcome).toMatchObject({ ok: false, timedOut: true });
  });
});
