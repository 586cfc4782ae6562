import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { attemptZfs, runZfsWithInput, streamZfsOutput } from '../../src/zfs/command-runner.js';

// Fake zfs programs that misbehave as a stuck zfs or a stray helper does: a grandchild that keeps
// the output pipes open after the process itself is gone, or a process that ignores SIGTERM.
let dir: string;
const script = async (name: string, body: string): Promise<string> => {
  const path = join(dir, name);
  // Every stray sleeper writes its pid, so that the test ends exactly the processes it started.
  await writeFile(path, `#!/bin/sh\n${body.replaceAll('setsid sleep 1000 &', `setsid sleep 1000 & echo $! >> ${dir}/pids;`)}\n`);
  await chmod(path, 0o755);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-hang-'));
});
afterAll(async () => {
  const pids = await readFile(join(dir, 'pids'), 'utf8').catch(() => '');
  for (const pid of pids.split('\n').filter((l) => /^\d+$/.test(l))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

const within = async <T>(ms: number, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

describe('a killed zfs never leaves the runner waiting', () => {
  it('an aborted call settles although a grandchild holds its stdout (setsid: outside the process group)', async () => {
    // setsid puts the sleeper in its own session: killing zfs's group does not reach it, as with a
    // helper that daemonized. Only not waiting on the pipe can end the call.
    const zfs = await script('zfs-stray', 'setsid sleep 1000 &\nsleep 1000');
    const transport = createLocalTransport({ zfsPath: zfs });
    const controller = new AbortController();
    const call = attemptZfs(transport, ['get', 'all'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const attempt = await within(8000, call);
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.error.kind).toBe('aborted');
  }, 15_000);

  it('a call whose zfs exited settles although a grandchild still holds its stdout', async () => {
    const zfs = await script('zfs-exit', 'echo listed\nsetsid sleep 1000 &\nexit 0');
    const transport = createLocalTransport({ zfsPath: zfs });
    const attempt = await within(8000, attemptZfs(transport, ['get', 'all'], { signal: new AbortController().signal }));
    expect(attempt.ok).toBe(true);
    expect(attempt.stdout).toBe('listed\n');
  }, 15_000);

  it('a zfs that ignores SIGTERM is killed with SIGKILL after the grace time', async () => {
    const zfs = await script('zfs-stubborn', "trap '' TERM\nwhile :; do sleep 0.1; done");
    const transport = createLocalTransport({ zfsPath: zfs });
    const controller = new AbortController();
    const call = attemptZfs(transport, ['get', 'all'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const attempt = await within(8000, call);
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.error.kind).toBe('aborted');
  }, 15_000);

  it('an aborted streamed send ends its stream although a grandchild holds the pipe', async () => {
    const zfs = await script('zfs-send-stray', 'echo begin\nsetsid sleep 1000 &\nsleep 1000');
    const transport = createLocalTransport({ zfsPath: zfs });
    const controller = new AbortController();
    const out = streamZfsOutput(transport, ['send', 'p/fs@s'], { signal: controller.signal });
    out.on('error', () => undefined);
    out.resume();
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    setTimeout(() => controller.abort(), 200);
    await within(8000, closed);
    expect(out.destroyed).toBe(true);
  }, 15_000);

  it('an aborted receive settles although a grandchild holds its output', async () => {
    const zfs = await script('zfs-recv-stray', 'setsid sleep 1000 &\ncat >/dev/null; sleep 1000');
    const transport = createLocalTransport({ zfsPath: zfs });
    const controller = new AbortController();
    const input = new PassThrough();
    input.write('bytes');
    const call = runZfsWithInput(transport, ['receive', 'p/fs@s'], input, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(within(8000, call)).rejects.toMatchObject({ kind: 'aborted' });
  }, 15_000);
});

describe('an aborted send nobody listens to yet', () => {
  it('does not crash the process with an unhandled error event', async () => {
    const zfs = await script('zfs-send-quiet', 'echo begin; sleep 1000');
    const controller = new AbortController();
    const out = streamZfsOutput(createLocalTransport({ zfsPath: zfs }), ['send', 'p/fs@s'], { signal: controller.signal });
    const unhandled: unknown[] = [];
    const onUncaught = (e: unknown): void => {
      unhandled.push(e);
    };
    process.on('uncaughtException', onUncaught);
    try {
      controller.abort();
      await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
    expect(unhandled).toEqual([]);
    expect(out.errored).toMatchObject({ kind: 'aborted' });
  });
});
