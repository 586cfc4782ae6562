import { describe, expect, it } from 'vitest';
import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { createJobInspector } from '../../src/inspect/job-inspector.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';
import { freePort } from '../helpers/free-port.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('createJobInspector with the real @statelyai/inspect relay on loopback', () => {
  it('resolves only once its connection is open', async () => {
    const port = await freePort();
    let resolved = false;
    const pending = createJobInspector(`ws://127.0.0.1:${port}`, 20_000).then((i) => {
      resolved = true;
      return i;
    });
    await sleep(500);
    expect(resolved).toBe(false);
    const server = createInspectorServer({ port, autoOpen: false });
    try {
      const inspector = await pending;
      expect(resolved).toBe(true);
      await inspector.stop(0);
    } finally {
      server.stop();
    }
  });

  it('rejects, naming the address, when no relay accepts in time', async () => {
    const port = await freePort();
    await expect(createJobInspector(`ws://127.0.0.1:${port}`, 300)).rejects.toThrow(`inspector at ws://127.0.0.1:${port} did not accept a connection within 300 ms`);
  });

  it('sends whole machine definitions and snapshots as plain data: guids as strings, no functions or entry-table internals', async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    const events: StatelyInspectionEvent[] = [];
    const receiver = createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` });
    const sub = receiver.subscribe((e) => events.push(e));
    try {
      await sleep(200);
      const inspector = await createJobInspector(`ws://127.0.0.1:${port}`);
      const src = createMemoryPool({ name: 'src', seed: 3 });
      const dst = createMemoryPool({ name: 'dst', seed: 4 });
      src.createFilesystem('tank/a');
      src.write('tank/a', 'f', 'data');
      src.snapshot('tank/a', 's1');
      dst.createFilesystem('backup');
      const job = createReplicationJob({ name: 'seen', sender: src.sender(), receiver: dst.receiver({ rootFs: 'backup' }), inspect: inspector.inspect });
      expect((await job.runOnce()).last?.ok).toBe(true);
      job.stop();
      await inspector.stop(300);
      for (let i = 0; i < 40 && !events.some((e) => e.type === '@xstate.actor' && e.name === 'replication'); i++) await sleep(50);

      const replication = events.find((e) => e.type === '@xstate.actor' && e.name === 'replication');
      const definition = replication?.type === '@xstate.actor' ? (replication.definition ?? '') : '';
      // The sender's listing invoke sits deep in the definition (states.planning.states.listing…invoke),
      // its failure transitions deeper still; a depth limit prints "[Object]" or "[Array]" there.
      expect(definition).toContain('"listSender"');
      expect(definition).not.toMatch(/"\[(Object|Array)\]"/);
      const withEntries = events.flatMap((e) => {
        if (e.type !== '@xstate.snapshot') return [];
        const context: unknown = (e.snapshot as { context?: unknown }).context;
        return typeof context === 'object' && context !== null && 'entries' in context && Array.isArray(context.entries) && context.entries.length > 0 ? [context] : [];
      });
      expect(withEntries.length).toBeGreaterThan(0);
      const json = JSON.stringify(withEntries.at(-1));
      expect(json).toMatch(/"guid":"\d+"/);
      expect(json).not.toContain('"now"');
      expect(json).not.toContain('"chunks"');
    } finally {
      sub.unsubscribe();
      server.stop();
    }
  });
});
