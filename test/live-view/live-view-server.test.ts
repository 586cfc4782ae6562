import { request } from 'node:http';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveFeed } from '../../src/live-view/live-feed.js';
import type { LiveHello, LiveMessage } from '../../src/live-view/live-messages.js';
import { startLiveViewServer, type LiveViewServer } from '../../src/live-view/live-view-server.js';

const hello: LiveHello = { type: 'hello', jobs: [{ job: 'j', actors: [{ path: 'job', machine: 'job', value: { work: 'idle' } }], report: { job: 'j', state: 'idle', watchdog: 'disarmed', filesystems: [] } }] };
const fakeFeed = (changes = new Subject<LiveMessage>()): LiveFeed => ({ current: () => hello, changes$: changes.asObservable(), close: () => changes.complete() });

// A raw request, so the Host header and method are the test's to choose.
function get(url: string, options: { host?: string; method?: string; until?: (body: string) => boolean } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (options.until?.(body)) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          req.destroy();
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: LiveViewServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('live view server', () => {
  it('serves the page with its diagrams and a CSP that allows only its own files', async () => {
    server = await startLiveViewServer({ host: '127.0.0.1', port: 0, feed: fakeFeed() });
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'; script-src 'self'");
    expect(page.body).toContain('<template data-diagram="replication">');
    // No address elsewhere: the SVG namespace is a name, never fetched.
    expect(page.body.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//);
    const script = await get(`${server.url}live-view.js`);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toMatch(/^\(function livePageMain\(/);
    expect((await get(`${server.url}nothing`)).status).toBe(404);
    expect((await get(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('answers on loopback only to requests for a loopback name (no DNS rebinding)', async () => {
    server = await startLiveViewServer({ host: '127.0.0.1', port: 0, feed: fakeFeed() });
    const port = new URL(server.url).port;
    expect((await get(server.url, { host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(server.url, { host: `localhost:${port}` })).status).toBe(200);
  });

  it('starts each event stream with the current state, then sends the changes', async () => {
    const changes = new Subject<LiveMessage>();
    server = await startLiveViewServer({ host: '127.0.0.1', port: 0, feed: fakeFeed(changes) });
    const change: LiveMessage = { type: 'states', job: 'j', set: [{ path: 'job', machine: 'job', value: { work: 'replicating' } }], removed: [] };
    const events = get(`${server.url}events`, { until: (body) => body.includes('replicating') });
    await new Promise((resolve) => setTimeout(resolve, 100));
    changes.next(change);
    const { headers, body } = await events;
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    const data = body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as LiveMessage);
    expect(data).toEqual([hello, change]);
    expect(JSON.parse((await get(`${server.url}state`)).body)).toEqual(hello);
  });
});
