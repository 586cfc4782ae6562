import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseControlRequest } from '../../src/control/control-protocol.js';
import { startControlServer } from '../../src/control/control-server.js';
import { connectControlFeed } from '../../src/live-view/control-feed.js';
import type { LiveHello, LiveMessage } from '../../src/live-view/live-messages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xrepl-watch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hello: LiveHello = { type: 'hello', jobs: [{ job: 'j', actors: [{ path: 'job', machine: 'job', value: { work: 'idle' } }], report: { job: 'j', state: 'idle', watchdog: 'disarmed', filesystems: [] } }] };

describe('watch on the control socket', () => {
  it('relays the hello and every change, and ends when the daemon closes', async () => {
    const changes = new Subject<LiveMessage>();
    const server = await startControlServer(join(dir, 'c.sock'), {
      status: () => [],
      wakeup: () => Promise.resolve(undefined),
      reset: () => undefined,
      liveFeed: () => ({ current: () => hello, changes$: changes.asObservable(), close: () => undefined }),
    });
    const feed = await connectControlFeed(server.path);
    expect(feed.current()).toEqual(hello);
    const received: LiveMessage[] = [];
    let ended = false;
    feed.changes$.subscribe({ next: (m) => received.push(m), complete: () => (ended = true) });
    const change: LiveMessage = { type: 'states', job: 'j', set: [{ path: 'job', machine: 'job', value: { work: 'replicating' } }], removed: [] };
    changes.next(change);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([change]);
    expect(feed.current().jobs[0]?.actors[0]?.value).toEqual({ work: 'replicating' });
    await server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(true);
  });

  it('takes no job or wait', () => {
    expect(parseControlRequest('{"op":"watch"}')).toEqual({ op: 'watch' });
    expect(() => parseControlRequest('{"op":"watch","job":"x"}')).toThrow('watch takes no "job" or "wait"');
  });

  it('names the socket when no daemon listens', async () => {
    await expect(connectControlFeed(join(dir, 'none.sock'))).rejects.toThrow(/none\.sock: ENOENT \(is the xrepl daemon running\?\)/);
  });
});
