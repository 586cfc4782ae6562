import { freePort } from '../helpers/free-port.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { ensureBuilt } from './helpers/built-cli.js';
import { daemonConfigDir, runCli, startDaemonProcess } from './daemon-cli.js';

describe('xrepl daemon --inspect (built CLI)', () => {
  beforeAll(ensureBuilt);
  it("sends the job's snapshots to a local inspector server, and still exits on SIGTERM", async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    const events: StatelyInspectionEvent[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` });
    const subscription = receiver.subscribe((event) => events.push(event));
    const { config, socket, cleanup } = await daemonConfigDir();
    // Let the receiver connect before the daemon starts sending.
    await new Promise((done) => setTimeout(done, 300));
    const daemon = await startDaemonProcess(['--config', config, '--inspect-url', `ws://127.0.0.1:${port}`]);
    try {
      const woken = await runCli(['signal', 'wakeup', 'backup', '--wait', '--socket', socket]);
      expect(woken.code).toBe(0);
      for (let i = 0; i < 50 && !events.some((e) => e.type === '@xstate.snapshot'); i++) await new Promise((done) => setTimeout(done, 100));
      const snapshots = events.filter((e) => e.type === '@xstate.snapshot');
      expect(snapshots.length).toBeGreaterThan(0);
      const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => (e.type === '@xstate.actor' ? e.name : ''));
      expect(actors).toContain('snapshotter:backup');
    } finally {
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      subscription.unsubscribe();
      server.stop();
      await cleanup();
    }
  });
});
