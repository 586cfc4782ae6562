import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveFeed } from './live-feed.js';
import type { LiveMessage } from './live-messages.js';
import { machineDiagrams } from './machine-diagrams.js';
import { LIVE_VIEW_PATHS, livePageHtml } from './page-html.js';
import { livePageMain, type LivePageOptions } from './page-script.js';
import { LIVE_PAGE_CSS } from './page-style.js';

/** Options of {@link startLiveViewServer}. */
export interface LiveViewServerOptions {
  /** Address to listen on; the daemon's default is `127.0.0.1`. */
  host: string;
  /** Port; 0 picks a free one (see `url`). */
  port: number;
  feed: LiveFeed;
  /** The page's title. */
  title?: string;
}

/** A listening live view. */
export interface LiveViewServer {
  /** `http://host:port/`, with the port actually bound. */
  readonly url: string;
  /** Ends the event streams and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** A client that reads slower than this many bytes pile up is dropped; it reconnects to a fresh hello. */
export const MAX_BUFFERED_EVENT_BYTES = 1024 * 1024;
/** Comment lines that keep idle streams (and proxies) from timing out. */
export const KEEPALIVE_MS = 15_000;
const MAX_TRANSITIONS = 100;

// Nothing but the server's own files may load, run or be framed.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Serves the live view over HTTP: the page, its script and stylesheet, `/events` (Server-Sent
 * Events: a `hello`, then changes) and `/state` (the `hello` as JSON). The diagrams are drawn
 * once, here. On a loopback address only requests naming a loopback host are answered, so a web
 * page elsewhere cannot reach the view by rebinding a DNS name to 127.0.0.1.
 */
export async function startLiveViewServer(options: LiveViewServerOptions): Promise<LiveViewServer> {
  const title = options.title ?? 'xrepl live view';
  const pageOptions: LivePageOptions = { eventsPath: LIVE_VIEW_PATHS.events, maxTransitions: MAX_TRANSITIONS, machines: machineDiagrams().map((d) => d.machine) };
  const assets = new Map<string, { type: string; body: string }>([
    [LIVE_VIEW_PATHS.page, { type: 'text/html; charset=utf-8', body: livePageHtml(machineDiagrams(), title) }],
    [LIVE_VIEW_PATHS.script, { type: 'text/javascript; charset=utf-8', body: `(${livePageMain.toString()})(${JSON.stringify(pageOptions)});\n` }],
    [LIVE_VIEW_PATHS.style, { type: 'text/css; charset=utf-8', body: LIVE_PAGE_CSS }],
  ]);
  const streams = new Set<ServerResponse>();
  const loopback = isLoopback(options.host);

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET and HEAD\n');
      return;
    }
    if (loopback && !hostIsLoopback(request)) {
      response.writeHead(421, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('the live view answers only requests for localhost, 127.0.0.1 or [::1]\n');
      return;
    }
    if (path === LIVE_VIEW_PATHS.events) {
      openStream(response);
      return;
    }
    if (path === LIVE_VIEW_PATHS.state) {
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(options.feed.current()));
      return;
    }
    const asset = assets.get(path);
    if (!asset) {
      response.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type }).end(request.method === 'HEAD' ? undefined : asset.body);
  });

  function openStream(response: ServerResponse): void {
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    streams.add(response);
    const send = (message: LiveMessage): void => {
      // JSON.stringify never writes a raw newline, so one data line is one message.
      response.write(`data: ${JSON.stringify(message)}\n\n`);
      if (response.writableLength > MAX_BUFFERED_EVENT_BYTES) response.destroy();
    };
    response.write('retry: 2000\n\n');
    send(options.feed.current());
    const subscription = options.feed.changes$.subscribe({ next: send, complete: () => response.end() });
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    response.on('close', () => {
      clearInterval(keepalive);
      subscription.unsubscribe();
      streams.delete(response);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}/`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const response of streams) response.end();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function hostIsLoopback(request: IncomingMessage): boolean {
  const header = request.headers.host ?? '';
  const name = header.replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}
