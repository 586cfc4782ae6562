import { freePort } from '../helpers/free-port.js';
import { describe, expect, it } from 'vitest';
import { createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { main } from '../../examples/inspector/main.js';

describe('examples/inspector', () => {
  it('replicates once while a receiver on the relay sees the job actor snapshots', async () => {
    const port = await freePort();
    const events: StatelyInspectionEvent[] = [];
    const run = main({ serverPort: port, url: `ws://127.0.0.1:${port}` });
    // The receiver connects to the relay the example started.
    await new Promise((done) => setTimeout(done, 100));
    const receiver = createWebSocketReceiver({ server: `ws://127.0.0.1:${port}` });
    const subscription = receiver.subscribe((event) => events.push(event));
    const report = await run;
    for (let i = 0; i < 30 && !events.some((e) => e.type === '@xstate.snapshot'); i++) await new Promise((done) => setTimeout(done, 50));
    subscription.unsubscribe();
    expect(report.last?.ok).toBe(true);
    const states = Object.fromEntries((report.last?.replication?.filesystems ?? []).map((f) => [f.filesystem, f.state]));
    expect(states).toMatchObject({ 'tank/data': 'completed', 'tank/data/docs': 'completed' });
    expect(events.some((e) => e.type === '@xstate.snapshot')).toBe(true);
  });
});
