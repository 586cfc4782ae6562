import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import type { ReplicationMachineOutput } from '../../machines/replication.js';
import { provideEngineMachines } from '../../src/runner/create-replication-job.js';
import { drive, makeWorld, useEngineFakeTimers } from '../machines/harness.js';

function run(world: ReturnType<typeof makeWorld>, retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number }, concurrency = 1) {
  const { replication } = provideEngineMachines({ sender: world.src.sender(), receiver: world.dst.receiver({ rootFs: 'backup' }) }, () => Date.now());
  const actor = createActor(replication, {
    input: { jobId: 'j', concurrency, estimateConcurrency: 2, initialReplication: 'all', retry, now: () => Date.now() },
  });
  const done = new Promise<ReplicationMachineOutput>((resolve) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output as ReplicationMachineOutput) }));
  actor.start();
  return { actor, done };
}

describe('retry budgets and slots', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it("retries a re-plan's transient listing failure: re-plans and planning retries have budgets of their own", async () => {
    const world = makeWorld(1, 3);
    // The first send finds its snapshot gone (a stale plan: the run plans again), and the re-plan's
    // first listing fails in a way that may pass. With two tries each, both fit.
    world.src.faults.add({
      call: 'send',
      effect: {
        type: 'run',
        action: () => {
          world.src.destroySnapshot('tank/fs0', 's2');
          world.src.faults.add({ call: 'listFilesystems', effect: { type: 'error', errorClass: 'transient' } });
        },
      },
    });
    const { done } = run(world, { maxAttempts: 2, initialDelayMs: 1_000, maxDelayMs: 1_000 });
    const out = await drive(done, 10 * 60_000);
    expect(out.state).toBe('completed');
    expect(out.filesystems.find((f) => f.path === 'tank/fs0')?.status).toBe('completed');
    expect(world.dst.versions('backup/tank/fs0').map((v) => v.name)).toContain('s3');
  });

  it('starts a filesystem whose retry is due in a free slot while another still transfers', async () => {
    const world = makeWorld(2, 1);
    // fs0's first send fails at once; fs1 streams slowly for about 10 s.
    world.src.faults.add({ call: 'send', filesystem: 'tank/fs0', effect: { type: 'error', errorClass: 'transient' } });
    world.src.faults.add({ call: 'send', filesystem: 'tank/fs1', effect: { type: 'slow', bytesPerChunk: 50, delayMs: 1_000 } });
    const { actor, done } = run(world, { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 1_000 }, 2);
    let fs0DoneAt: number | undefined;
    let fs1DoneAt: number | undefined;
    const startedAt = Date.now();
    actor.subscribe((s) => {
      const status = (path: string) => s.context.entries.get(s.context.indexOf.get(path) ?? -1)?.status;
      if (fs0DoneAt === undefined && status('tank/fs0') === 'completed') fs0DoneAt = Date.now() - startedAt;
      if (fs1DoneAt === undefined && status('tank/fs1') === 'completed') fs1DoneAt = Date.now() - startedAt;
    });
    const out = await drive(done, 10 * 60_000);
    expect(out.filesystems.filter((f) => f.path !== 'tank').map((f) => f.status)).toEqual(['completed', 'completed']);
    // The retry ran when it was due (after 1 s), not when fs1's transfer freed the other slot.
    expect(fs0DoneAt).toBeLessThan(3_000);
    expect(fs1DoneAt).toBeGreaterThan(5_000);
  });
});
