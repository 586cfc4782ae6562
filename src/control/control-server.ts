import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { LiveFeed } from '../live-view/live-feed.js';
import type { LiveMessage } from '../live-view/live-messages.js';
import type { InvocationReport } from '../report/job-report.js';
import {
  MAX_REQUEST_BYTES,
  parseControlRequest,
  type ControlRequest,
  type ControlResponse,
  type DaemonJobReport,
} from './control-protocol.js';

/** What the control socket asks of the daemon. Errors thrown here go back to the client as `error`. */
export interface ControlHandler {
  status(job?: string): DaemonJobReport[];
  /** Wakes a job; with `wait`, resolves with the report of the invocation the wakeup started. */
  wakeup(job: string, wait: boolean): Promise<InvocationReport | undefined>;
  reset(job: string): void;
  /** What `watch` streams. */
  liveFeed(): LiveFeed;
}

/** A watcher that lets more than this many bytes pile up unread is disconnected. */
export const MAX_WATCH_BUFFER_BYTES = 1024 * 1024;

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  /** Stops listening, drops open connections and removes the socket file. */
  close(): Promise<void>;
}

/** Permission of the socket file: only the daemon's user may control it. */
export const CONTROL_SOCKET_MODE = 0o600;

/**
 * Listens on a unix socket at `path` (mode 0600; a missing directory is created with mode 0700).
 * A stale socket file is replaced; a socket another daemon still answers on is an error.
 */
export async function startControlServer(path: string, handler: ControlHandler): Promise<ControlServer> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await removeStaleSocket(path);
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, handler);
  });
  await listen(server, path);
  await chmod(path, CONTROL_SOCKET_MODE);
  let closed: Promise<void> | undefined;
  return {
    path,
    close() {
      closed ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of connections) socket.destroy();
        await done;
        await rm(path, { force: true });
      })();
      return closed;
    },
  };
}

// Binds with a umask that leaves the socket private from the first moment, then restores it.
function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const previous = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
}

async function removeStaleSocket(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (!existing) return;
  if (!existing.isSocket()) throw new Error(`control socket path ${path} exists and is not a socket; remove it or choose another path`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`control socket ${path} is in use: is another xrepl daemon running?`);
  await rm(path, { force: true });
}

// Requests on one connection are answered one after the other, in order.
function serveConnection(socket: Socket, handler: ControlHandler): void {
  let buffered = '';
  let queue = Promise.resolve();
  let watching = false;
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      if (watching) continue;
      if (isWatch(line)) {
        // The connection is the stream's from now on: later lines are not requests.
        watching = true;
        queue = queue.then(() => watch(socket, handler.liveFeed()));
        continue;
      }
      queue = queue.then(() => answer(line, handler)).then((response) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
      });
    }
    if (buffered.length > MAX_REQUEST_BYTES) {
      socket.end(`${JSON.stringify({ ok: false, error: `request longer than ${MAX_REQUEST_BYTES} bytes` })}\n`);
      buffered = '';
    }
  });
}

function isWatch(line: string): boolean {
  try {
    return parseControlRequest(line).op === 'watch';
  } catch {
    return false;
  }
}

function watch(socket: Socket, feed: LiveFeed): void {
  if (socket.destroyed) return;
  const send = (live: LiveMessage): void => {
    socket.write(`${JSON.stringify({ ok: true, live } satisfies ControlResponse)}\n`);
    if (socket.writableLength > MAX_WATCH_BUFFER_BYTES) socket.destroy();
  };
  send(feed.current());
  const subscription = feed.changes$.subscribe({ next: send, complete: () => socket.end() });
  socket.on('close', () => subscription.unsubscribe());
}

async function answer(line: string, handler: ControlHandler): Promise<ControlResponse> {
  let request: ControlRequest;
  try {
    request = parseControlRequest(line);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  try {
    switch (request.op) {
      case 'status':
        return { ok: true, jobs: handler.status(request.job) };
      case 'wakeup': {
        const invocation = await handler.wakeup(request.job, request.wait ?? false);
        return invocation ? { ok: true, invocation } : { ok: true };
      }
      case 'reset':
        handler.reset(request.job);
        return { ok: true };
      case 'watch':
        // Taken before answer() by serveConnection; kept so the switch covers every op.
        return { ok: false, error: 'watch: the daemon streams it on its own connection' };
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
