import { createConnection, type Socket } from 'node:net';
import type { ControlRequest, ControlResponse } from './control-protocol.js';
import { readLines } from './read-lines.js';

/** A connection to a daemon's control socket that carries requests one after another. */
export interface ControlConnection {
  request(request: ControlRequest): Promise<ControlResponse>;
  close(): void;
}

/** Connects to the control socket at `path`; the error names the path when nobody listens there. */
export function connectControlSocket(path: string, signal?: AbortSignal): Promise<ControlConnection> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const onAbort = () => {
      socket.destroy();
      reject(new Error(`control socket ${path}: aborted`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      const hint = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? ' (is the xrepl daemon running?)' : '';
      reject(new Error(`cannot connect to control socket ${path}: ${error.code ?? error.message}${hint}`, { cause: error }));
    });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(lineConnection(socket, path, signal));
    });
  });
}

/** Sends one request on a fresh connection and resolves with its response. */
export async function sendControlRequest(path: string, request: ControlRequest, signal?: AbortSignal): Promise<ControlResponse> {
  const connection = await connectControlSocket(path, signal);
  try {
    return await connection.request(request);
  } finally {
    connection.close();
  }
}

function lineConnection(socket: Socket, path: string, signal?: AbortSignal): ControlConnection {
  const waiting: { resolve: (r: ControlResponse) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  readLines(socket, (line) => {
    const next = waiting.shift();
    if (!next) return;
    try {
      next.resolve(JSON.parse(line) as ControlResponse);
    } catch {
      next.reject(new Error(`control socket ${path}: the daemon sent a line that is not JSON`));
    }
  });
  socket.on('error', (error) => failAll(new Error(`control socket ${path}: ${error.message}`, { cause: error })));
  socket.on('close', () => failAll(new Error(`control socket ${path}: the daemon closed the connection`)));
  const onAbort = () => {
    failAll(new Error(`control socket ${path}: aborted`));
    socket.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    request(request) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(`${JSON.stringify(request)}\n`);
      });
    },
    close() {
      signal?.removeEventListener('abort', onAbort);
      socket.end();
    },
  };
}
