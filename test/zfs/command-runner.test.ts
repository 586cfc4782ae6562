import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { setZfsCommandObserver } from '../../src/metrics/zfs-command-hook.js';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import { attemptZfs, runZfsWithInput, streamZfsOutput } from '../../src/zfs/command-runner.js';
import { setFinishedCommandListener, type FinishedCommand } from '../../src/zfs/command-log-hook.js';

// `echo` and `cat` stand in for zfs: the runner passes the subcommand as the program's first argument.
const echo = createLocalTransport({ zfsPath: 'echo' });
const cat = createLocalTransport({ zfsPath: 'cat' });

function observe(): Array<{ command: string; seconds: number }> {
  const seen: Array<{ command: string; seconds: number }> = [];
  setZfsCommandObserver((command, seconds) => seen.push({ command, seconds }));
  return seen;
}

describe('zfs command durations', () => {
  afterEach(() => setZfsCommandObserver(undefined));

  it('records each finished call under its subcommand', async () => {
    const seen = observe();
    await attemptZfs(echo, ['get', '-Hp', 'guid'], { signal: new AbortController().signal });
    expect(seen.map((s) => s.command)).toEqual(['get']);
    expect(seen[0]!.seconds).toBeGreaterThanOrEqual(0);
  });

  it('records a streamed send when its process has ended', async () => {
    const seen = observe();
    const out = streamZfsOutput(echo, ['send', 'pool/fs@s'], { signal: new AbortController().signal });
    const chunks: Buffer[] = [];
    for await (const c of out) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('send pool/fs@s\n');
    expect(seen.map((s) => s.command)).toEqual(['send']);
  });

  it('records a receive fed from a stream', async () => {
    const seen = observe();
    const input = new PassThrough();
    input.end('stream bytes');
    await runZfsWithInput(cat, ['-'], input, { signal: new AbortController().signal });
    expect(seen.map((s) => s.command)).toEqual(['-']);
  });

  it('a throwing observer does not fail the call', async () => {
    setZfsCommandObserver(() => {
      throw new Error('observer broke');
    });
    const attempt = await attemptZfs(echo, ['list'], { signal: new AbortController().signal });
    expect(attempt.ok).toBe(true);
  });
});

describe('finished command listener (debug logs)', () => {
  afterEach(() => setFinishedCommandListener(undefined));

  it('hears each process with its argv, exit code and duration, and why one never started', async () => {
    const seen: FinishedCommand[] = [];
    setFinishedCommandListener((c) => seen.push(c));
    await attemptZfs(createLocalTransport({ zfsPath: 'false' }), ['list', '-H'], { signal: new AbortController().signal });
    await attemptZfs(createLocalTransport({ zfsPath: '/nonexistent/zfs' }), ['list'], { signal: new AbortController().signal });
    expect(seen.map((c) => [c.command, c.exitCode, c.spawnError])).toEqual([
      [['false', 'list', '-H'], 1, undefined],
      [['/nonexistent/zfs', 'list'], undefined, 'ENOENT'],
    ]);
    expect(seen[0]!.seconds).toBeGreaterThan(0);
  });

  it('keeps the call working when the listener throws', async () => {
    setFinishedCommandListener(() => {
      throw new Error('broken logger');
    });
    const r = await attemptZfs(echo, ['get'], { signal: new AbortController().signal });
    expect(r.ok).toBe(true);
  });
});
