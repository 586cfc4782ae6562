import { describe, expect, it } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { withBandwidthLimits } from '../../src/transfer-options/bandwidth-limited-endpoints.js';
import type { BucketClock } from '../../src/transfer-options/token-bucket.js';

// Time that moves only when the bucket makes a stream wait.
function fakeClock(): BucketClock & { time: number; sleeps: number } {
  const clock = {
    time: 0,
    sleeps: 0,
    now: () => clock.time,
    sleep: async (ms: number, signal: AbortSignal) => {
      signal.throwIfAborted();
      clock.sleeps += 1;
      clock.time += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

async function pools() {
  const src = createMemoryPool({ name: 'src', seed: 1 });
  const dst = createMemoryPool({ name: 'dst', seed: 2 });
  src.createFilesystem('tank/a');
  src.write('tank/a', 'file', Buffer.alloc(200_000, 7));
  const snap = src.snapshot('tank/a', 's1');
  dst.createFilesystem('backup');
  return { src, dst, snap, sender: src.sender(), receiver: dst.receiver({ rootFs: 'backup' }) };
}

describe('withBandwidthLimits on a job’s endpoints', () => {
  for (const side of ['send', 'receive'] as const) {
    it(`limits the stream on the ${side} side to the bucket's rate, and the snapshot arrives whole`, async () => {
      const { dst, snap, sender, receiver } = await pools();
      const clock = fakeClock();
      const limit = { bytesPerSecond: 50_000, burstBytes: 10_000 };
      const limited = withBandwidthLimits({ sender, receiver }, { [side]: limit }, clock);
      const signal = new AbortController().signal;
      const stream = await limited.sender.send({ filesystem: 'tank/a', to: snap }, signal);
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await limited.receiver.receive({ filesystem: 'tank/a', to: snap, stream }, signal);
      expect(dst.snapshotContent('backup/tank/a', 's1').get('file')?.length).toBe(200_000);
      // The stream's bytes beyond the burst took their time at the rate (fake time, rounded up per wait).
      const needed = ((bytes - limit.burstBytes) * 1000) / limit.bytesPerSecond;
      expect(clock.time).toBeGreaterThanOrEqual(needed);
      expect(clock.time).toBeLessThanOrEqual(needed + clock.sleeps);
    });
  }

  it('passes every other call through untouched, optional ones included', async () => {
    const { sender, receiver } = await pools();
    const clock = fakeClock();
    const limited = withBandwidthLimits({ sender, receiver }, { send: { bytesPerSecond: 1, burstBytes: 1 }, receive: { bytesPerSecond: 1, burstBytes: 1 } }, clock);
    const signal = new AbortController().signal;
    expect(await limited.sender.listFilesystems(signal)).toEqual(await sender.listFilesystems(signal));
    expect(await limited.receiver.capabilities(signal)).toEqual(await receiver.capabilities(signal));
    expect(limited.sender.name).toBe(sender.name);
    expect(limited.sender.listAll === undefined).toBe(sender.listAll === undefined);
    expect(clock.time).toBe(0);
  });

  it('returns the endpoints themselves when no limit is set', async () => {
    const { sender, receiver } = await pools();
    const same = withBandwidthLimits({ sender, receiver }, undefined);
    expect(same.sender).toBe(sender);
    expect(same.receiver).toBe(receiver);
  });
});
