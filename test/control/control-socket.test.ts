import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectControlSocket, sendControlRequest } from '../../src/control/control-client.js';
import { parseControlRequest } from '../../src/control/control-protocol.js';
import { CONTROL_SOCKET_MODE, startControlServer, type ControlHandler } from '../../src/control/control-server.js';
import type { InvocationReport } from '../../src/report/job-report.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-control-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recordingHandler(log: string[]): ControlHandler {
  const invocation: InvocationReport = { number: 7, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', ok: true };
  return {
    status: (job) => {
      log.push(`status ${job ?? '*'}`);
      if (job === 'missing') throw new Error('no job named "missing"');
      return [{ job: job ?? 'a', state: 'idle', watchdog: 'disarmed', wakeupPending: false }];
    },
    wakeup: async (job, wait) => {
      log.push(`wakeup ${job} ${wait}`);
      return wait ? invocation : undefined;
    },
    reset: (job) => {
      log.push(`reset ${job}`);
    },
    liveFeed: () => {
      throw new Error('these tests do not watch');
    },
  };
}

describe('control socket', () => {
  it('creates the socket with permission 0600 inside a new 0700 directory, and removes it on close', async () => {
    const path = join(dir, 'run', 'control.sock');
    const server = await startControlServer(path, recordingHandler([]));
    const info = await stat(path);
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(CONTROL_SOCKET_MODE);
    expect((await stat(join(dir, 'run'))).mode & 0o777).toBe(0o700);
    await server.close();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('answers status, wakeup, wakeup with wait and reset, in order on one connection', async () => {
    const log: string[] = [];
    const path = join(dir, 'control.sock');
    const server = await startControlServer(path, recordingHandler(log));
    const connection = await connectControlSocket(path);
    const answers = await Promise.all([
      connection.request({ op: 'status' }),
      connection.request({ op: 'wakeup', job: 'a' }),
      connection.request({ op: 'wakeup', job: 'a', wait: true }),
      connection.request({ op: 'reset', job: 'b' }),
    ]);
    connection.close();
    expect(log).toEqual(['status *', 'wakeup a false', 'wakeup a true', 'reset b']);
    expect(answers[0]).toEqual({ ok: true, jobs: [{ job: 'a', state: 'idle', watchdog: 'disarmed', wakeupPending: false }] });
    expect(answers[1]).toEqual({ ok: true });
    expect(answers[2]).toMatchObject({ ok: true, invocation: { number: 7, ok: true } });
    expect(answers[3]).toEqual({ ok: true });
    await server.close();
  });

  it('returns handler errors and malformed requests as errors, and keeps serving', async () => {
    const path = join(dir, 'control.sock');
    const server = await startControlServer(path, recordingHandler([]));
    expect(await sendControlRequest(path, { op: 'status', job: 'missing' })).toEqual({ ok: false, error: 'no job named "missing"' });
    const raw = await rawExchange(path, '{"op":"explode"}\nnot json\n{"op":"status"}\n', 3);
    expect(raw[0]).toMatchObject({ ok: false, error: expect.stringContaining('unknown op "explode"') });
    expect(raw[1]).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(raw[2]).toMatchObject({ ok: true });
    await server.close();
  });

  it('replaces a stale socket file but refuses one that a live daemon answers on', async () => {
    const path = join(dir, 'control.sock');
    const first = await startControlServer(path, recordingHandler([]));
    await expect(startControlServer(path, recordingHandler([]))).rejects.toThrow(/in use/);
    await first.close();

    // A socket file left behind by a daemon that died: a process listens, then is killed outright.
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    expect((await stat(path)).isSocket()).toBe(true);
    const replaced = await startControlServer(path, recordingHandler([]));
    expect((await stat(path)).isSocket()).toBe(true);
    await replaced.close();
  });

  it('refuses a path that is a regular file, naming it', async () => {
    const path = join(dir, 'not-a-socket');
    await writeFile(path, 'data');
    await expect(startControlServer(path, recordingHandler([]))).rejects.toThrow(`${path} exists and is not a socket`);
  });

  it('tells the client when no daemon listens', async () => {
    const path = join(dir, 'nobody.sock');
    await expect(sendControlRequest(path, { op: 'status' })).rejects.toThrow(/cannot connect to control socket .*nobody\.sock.*daemon running/);
  });
});

describe('parseControlRequest', () => {
  it('accepts the protocol and names what is wrong otherwise', () => {
    expect(parseControlRequest('{"op":"status","job":"a"}')).toEqual({ op: 'status', job: 'a' });
    expect(parseControlRequest('{"op":"wakeup","job":"a","wait":true}')).toEqual({ op: 'wakeup', job: 'a', wait: true });
    expect(() => parseControlRequest('{"op":"wakeup"}')).toThrow('wakeup needs "job"');
    expect(() => parseControlRequest('{"op":"reset","job":"a","wait":true}')).toThrow('"wait" applies only to wakeup');
    expect(() => parseControlRequest('{"op":"status","extra":1}')).toThrow('unknown key "extra"');
    expect(() => parseControlRequest('[1]')).toThrow('expected a JSON object');
  });
});

async function rawExchange(path: string, text: string, lines: number): Promise<unknown[]> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => socket.write(text));
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split('\n').filter((l) => l !== '');
      if (buffered.endsWith('\n') && complete.length >= lines) {
        socket.end();
        resolve(complete.map((l) => JSON.parse(l) as unknown));
      }
    });
    socket.on('error', reject);
  });
}
