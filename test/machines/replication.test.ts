import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { replicationMachine, type ReplicationMachineOutput } from '../../machines/replication.js';
import { provideEngineMachines } from '../../src/runner/create-replication-job.js';
import { EndpointError } from '../../src/domain/errors.js';
import { drive, makeWorld, useEngineFakeTimers } from './harness.js';

const retry = { maxAttempts: 3, initialDelayMs: 10_000, maxDelayMs: 40_000 };

function start(
  world: ReturnType<typeof makeWorld>,
  options: { concurrency?: number; initial?: 'most_recent' | 'all' | 'fail' } = {},
) {
  const { replication } = provideEngineMachines({ sender: world.src.sender(), receiver: world.dst.receiver({ rootFs: 'backup' }) }, () => Date.now());
  const actor = createActor(replication, {
    input: {
      jobId: 'j',
      concurrency: options.concurrency ?? 1,
      estimateConcurrency: 2,
      initialReplication: options.initial ?? 'most_recent',
      retry,
      now: () => Date.now(),
    },
  });
  const done = new Promise<ReplicationMachineOutput>((resolve) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output as ReplicationMachineOutput) }));
  actor.start();
  return { actor, done };
}

const stateOf = (s: SnapshotFrom<typeof replicationMachine>) => (typeof s.value === 'string' ? s.value : Object.keys(s.value)[0]);

describe('replication machine', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('sends all snapshots with initial_replication "all", and only the newest with "most_recent"', async () => {
    const w1 = makeWorld(1, 3);
    const all = start(w1, { initial: 'all' });
    expect((await drive(all.done, 60_000)).state).toBe('completed');
    expect(w1.dst.versions('backup/tank/fs0').map((v) => v.name)).toEqual(['s1', 's2', 's3']);
    const w2 = makeWorld(1, 3);
    const recent = start(w2, { initial: 'most_recent' });
    await drive(recent.done, 60_000);
    expect(w2.dst.versions('backup/tank/fs0').map((v) => v.name)).toEqual(['s3']);
  });

  it('marks only the failing filesystem with "fail" policy conflicts, and completes the others', async () => {
    const world = makeWorld(2, 2);
    world.dst.createFilesystem('backup/tank/fs1');
    world.dst.write('backup/tank/fs1', 'x', 'unrelated');
    world.dst.snapshot('backup/tank/fs1', 'foreign');
    const { done } = start(world);
    const out = await drive(done, 60_000);
    expect(out.state).toBe('completed');
    const byPath = Object.fromEntries(out.filesystems.map((f) => [f.path, f]));
    expect(byPath['tank/fs0']?.status).toBe('completed');
    expect(byPath['tank/fs1']?.status).toBe('permanentError');
    expect(byPath['tank/fs1']?.problem?.kind).toBe('conflict');
    expect(byPath['tank/fs1']?.problem?.message).toMatch(/foreign/);
  });

  it('sleeps in workingWait exactly until the earliest retry time', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', effect: { type: 'error', errorClass: 'transient' } });
    const { actor, done } = start(world);
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(stateOf(actor.getSnapshot())).toBe('workingWait'));
    const context = actor.getSnapshot().context;
    const sleepUntil = context.sleepUntil ?? 0;
    const failedAt = context.entries.toArray().find((e) => e.path === 'tank/fs0')?.problem?.at ?? 0;
    expect(sleepUntil - failedAt).toBe(retry.initialDelayMs);
    await vi.advanceTimersByTimeAsync(sleepUntil - Date.now() - 1);
    expect(stateOf(actor.getSnapshot())).toBe('workingWait');
    await vi.advanceTimersByTimeAsync(1);
    expect(stateOf(actor.getSnapshot())).not.toBe('workingWait');
    expect((await drive(done, 60_000)).filesystems.find((f) => f.path === 'tank/fs0')?.status).toBe('completed');
  });

  it('retries at once on a wakeup during workingWait', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', effect: { type: 'error', errorClass: 'transient' } });
    const { actor, done } = start(world);
    await vi.waitFor(() => expect(stateOf(actor.getSnapshot())).toBe('workingWait'));
    const before = Date.now();
    actor.send({ type: 'wakeup' });
    const out = await drive(done, 60_000, 1);
    expect(out.filesystems.find((f) => f.path === 'tank/fs0')?.status).toBe('completed');
    expect(Date.now() - before).toBeLessThan(retry.initialDelayMs);
  });

  it('ends in permanentError with the reason when cancelled, never completed', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'send', effect: { type: 'hang' } });
    const { actor, done } = start(world);
    await vi.waitFor(() => expect(stateOf(actor.getSnapshot())).toBe('working'));
    actor.send({ type: 'cancel', reason: 'operator asked' });
    const out = await drive(done, 1000);
    expect(out.state).toBe('permanentError');
    expect(out.problem?.kind).toBe('cancelled');
    expect(out.problem?.message).toMatch(/operator asked/);
  });

  it('keeps the bytes a cancelled transfer had moved in the filesystem it reports cancelled', async () => {
    const world = makeWorld(1, 1);
    // 10 bytes every 100 ms: the transfer reports a count each second and is still going at 3 s.
    world.src.faults.add({ call: 'send', effect: { type: 'slow', bytesPerChunk: 10, delayMs: 100 } });
    const { actor, done } = start(world);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(stateOf(actor.getSnapshot())).toBe('working');
    actor.send({ type: 'cancel', reason: 'watchdog' });
    const out = await drive(done, 1000);
    const fs0 = out.filesystems.find((f) => f.path === 'tank/fs0');
    expect(fs0?.status).toBe('permanentError');
    expect(fs0?.problem?.kind).toBe('cancelled');
    expect(fs0?.steps[0]?.bytes).toBeGreaterThan(0);
    expect(fs0?.steps[0]?.received).toBe(false);
  });

  it('starts the next transfer while a finished filesystem still moves its cursor', async () => {
    // Created on its own, with no system id: fs0's cursor move hangs, yet fs1 and fs2 are received
    // meanwhile, because the filesystem machine tells its parent, whoever created that parent.
    const world = makeWorld(3, 1);
    world.src.faults.add({ call: 'setReplicationCursor', filesystem: 'tank/fs0', effect: { type: 'hang' } });
    const released = start(world, { concurrency: 1 });
    let mostTransfers = 0;
    released.actor.subscribe((s) => {
      const transferring = Object.values(s.children).filter((child) => {
        const value = (child?.getSnapshot() as { value?: unknown } | undefined)?.value;
        return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['ready'] === 'transferring';
      });
      mostTransfers = Math.max(mostTransfers, transferring.length);
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(world.dst.versions('backup/tank/fs2').map((v) => v.name)).toEqual(['s1']);
    expect(world.dst.versions('backup/tank/fs1').map((v) => v.name)).toEqual(['s1']);
    expect(stateOf(released.actor.getSnapshot())).toBe('working');
    expect(mostTransfers).toBe(1);
    released.actor.stop();
  });

  it('retries a transient listing failure a bounded number of times, with a growing delay', async () => {
    const world = makeWorld(1, 1);
    world.src.faults.add({ call: 'listFilesystems', times: Infinity, effect: { type: 'error', errorClass: 'transient' } });
    const { actor, done } = start(world);
    const sleeps: number[] = [];
    actor.subscribe((s) => {
      if (stateOf(s) === 'planningError' && s.context.sleepUntil !== undefined && !sleeps.includes(s.context.sleepUntil - Date.now())) {
        sleeps.push(s.context.sleepUntil - Date.now());
      }
    });
    const out = await drive(done, 10 * 60_000);
    expect(out.state).toBe('permanentError');
    expect(sleeps).toEqual([10_000, 20_000]);
    expect(world.src.calls.count('listFilesystems')).toBe(retry.maxAttempts);
  });

  it('fails planning at once on a permanent listing error', async () => {
    const world = makeWorld(1, 1);
    world.dst.faults.add({ call: 'listFilesystems', effect: { type: 'error', errorClass: 'permanent' } });
    const out = await drive(start(world).done, 60_000);
    expect(out.state).toBe('permanentError');
    expect(out.problem?.kind).toBe('injected');
  });

  it('records progress for each size estimate during planning', async () => {
    const world = makeWorld(4, 1);
    const { actor, done } = start(world);
    const counts: number[] = [];
    actor.subscribe((s) => {
      if (s.matches({ planning: 'estimating' })) counts.push(s.context.progress.count);
    });
    await drive(done, 60_000);
    // Entering estimating, then one record per estimated filesystem.
    expect(new Set(counts).size).toBeGreaterThanOrEqual(4);
  });

  it('runs at most `concurrency` transfers at once', async () => {
    const world = makeWorld(5, 1);
    let mostTransfers = 0;
    const { actor, done } = start(world, { concurrency: 2 });
    actor.subscribe((s) => {
      // Checked at every snapshot of the parent; a child that gave its slot back only moves its cursor.
      const transferring = Object.values(s.children).filter((child) => {
        const value = (child?.getSnapshot() as { value?: unknown } | undefined)?.value;
        return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['ready'] === 'transferring';
      });
      mostTransfers = Math.max(mostTransfers, transferring.length);
    });
    const out = await drive(done, 60_000);
    expect(out.filesystems.filter((f) => f.path !== 'tank').every((f) => f.status === 'completed')).toBe(true);
    expect(mostTransfers).toBe(2);
  });

  it('plans again when a planned snapshot was destroyed before it was sent', async () => {
    const world = makeWorld(1, 3);
    world.dst.faults.clear();
    const { done } = start(world, { initial: 'all' });
    world.src.faults.add({ call: 'send', effect: { type: 'run', action: () => world.src.destroySnapshot('tank/fs0', 's2') } });
    const out = await drive(done, 10 * 60_000);
    expect(out.filesystems.find((f) => f.path === 'tank/fs0')?.status).toBe('completed');
    expect(world.dst.versions('backup/tank/fs0').map((v) => v.name)).toContain('s3');
  });

  it('is a placeholder-safe declaration: without provided actors planning fails loudly, not silently', async () => {
    const actor = createActor(
      replicationMachine.provide({ actors: { listSide: fromPromise(async () => Promise.reject(new EndpointError('x', { kind: 'unknown' }))) } }),
      { input: { jobId: 'j', concurrency: 1, estimateConcurrency: 1, initialReplication: 'most_recent', retry, now: () => Date.now() } },
    );
    actor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().value).toBe('permanentError');
  });
});
