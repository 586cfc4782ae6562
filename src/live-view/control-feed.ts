import { createConnection } from 'node:net';
import { Subject } from 'rxjs';
import type { ControlResponse } from '../control/control-protocol.js';
import { readLines } from '../control/read-lines.js';
import type { LiveFeed } from './live-feed.js';
import { applyLiveMessage, type LiveHello, type LiveMessage } from './live-messages.js';

/**
 * A daemon's live feed read through its control socket (`watch`): what `xrepl status --web`
 * serves for a daemon that serves no address itself. Resolves once the daemon's `hello` arrived;
 * `changes$` completes when the daemon closes the connection.
 */
export function connectControlFeed(path: string): Promise<LiveFeed> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const changes = new Subject<LiveMessage>();
    let state: LiveHello | undefined;
    const feed: LiveFeed = {
      current: () => state ?? { type: 'hello', jobs: [] },
      changes$: changes.asObservable(),
      close: () => socket.destroy(),
    };
    const fail = (error: Error): void => {
      if (state === undefined) reject(error);
      socket.destroy();
    };
    socket.once('connect', () => socket.write(`${JSON.stringify({ op: 'watch' })}\n`));
    readLines(socket, (line) => {
      let response: ControlResponse;
      try {
        response = JSON.parse(line) as ControlResponse;
      } catch {
        fail(new Error(`control socket ${path}: the daemon sent a line that is not JSON`));
        return;
      }
      if (!response.ok) {
        fail(new Error(`control socket ${path}: ${response.error}`));
        return;
      }
      if (!('live' in response)) return;
      const first = state === undefined;
      state = applyLiveMessage(state ?? { type: 'hello', jobs: [] }, response.live);
      if (first) resolve(feed);
      else changes.next(response.live);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? ' (is the xrepl daemon running?)' : '';
      fail(new Error(`cannot watch through control socket ${path}: ${error.code ?? error.message}${hint}`, { cause: error }));
    });
    socket.on('close', () => {
      if (state === undefined) reject(new Error(`control socket ${path}: the daemon closed the connection before it answered watch`));
      changes.complete();
    });
  });
}
