import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { jobMachine } from '../../machines/job.js';
import { provideEngineMachines } from '../../src/runner/create-replication-job.js';
import { resolveRetryPolicy } from '../../src/replication/retry-policy.js';
import { drive, makeWorld, useEngineFakeTimers } from '../machines/harness.js';

/**
 * The job machine as an XState user creates it, as the README shows: `createActor(machine, {
 * input })`, no system id, no runner. It must behave as the runner's job does: a slow but moving
 * transfer keeps the watchdog satisfied, and the cursor move overlaps the next transfer.
 */
describe('the job machine created with createActor alone', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('lets a slow transfer that moves bytes run far past the watchdog timeout, and completes', async () => {
    const world = makeWorld(2, 1);
    // 100 bytes every 700 ms: each transfer takes several watchdog periods, with progress throughout.
    world.src.faults.add({ call: 'send', times: 2, effect: { type: 'slow', bytesPerChunk: 100, delayMs: 700 } });
    const endpoints = { sender: world.src.sender(), receiver: world.dst.receiver({ rootFs: 'backup' }) };
    const now = () => Date.now();
    const retry = resolveRetryPolicy(undefined);
    const { job } = provideEngineMachines(endpoints, now);
    // The README's example, word for word but for the names.
    const actor = createActor(job, {
      input: {
        jobId: 'embedded',
        intervalMs: undefined,
        watchdogTimeoutMs: 2_000,
        now,
        replication: { jobId: 'embedded', concurrency: 1, estimateConcurrency: 2, initialReplication: 'most_recent', retry, now },
        pruneSender: { jobId: 'embedded', rules: [], retry, now },
        pruneReceiver: { jobId: 'embedded', rules: [], retry, now },
      },
    });
    actor.start();
    actor.send({ type: 'wakeup' });
    const startedAt = Date.now();
    const finished = new Promise<void>((resolve) => {
      const sub = actor.subscribe((s) => {
        if (s.context.last) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    await drive(finished, 10 * 60_000);
    const last = actor.getSnapshot().context.last;
    actor.stop();
    expect(Date.now() - startedAt).toBeGreaterThan(3 * 2_000);
    expect(last?.watchdog).toEqual([]);
    expect(last?.replication?.state).toBe('completed');
    expect(world.dst.versions('backup/tank/fs1').map((v) => v.name)).toEqual(['s1']);
  });

  it('is the same machine the package exports: jobMachine.provide with the endpoint actors', () => {
    const world = makeWorld(1, 1);
    const { job } = provideEngineMachines({ sender: world.src.sender(), receiver: world.dst.receiver({ rootFs: 'backup' }) }, () => Date.now());
    expect(job.id).toBe(jobMachine.id);
    expect(Object.keys(job.implementations.actors).sort()).toEqual(['pruner', 'replication']);
  });
});
