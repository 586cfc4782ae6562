import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import type { PrunerMachineOutput } from '../../machines/pruner.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { provideEngineMachines } from '../../src/runner/create-replication-job.js';
import { drive, makeWorld, useEngineFakeTimers } from './harness.js';

const retry = { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 4_000 };

function runPruner(world: ReturnType<typeof makeWorld>, side: 'sender' | 'receiver', rules: unknown[]) {
  const { pruner } = provideEngineMachines({ sender: world.src.sender(), receiver: world.dst.receiver({ rootFs: 'backup' }) }, () => Date.now());
  const actor = createActor(pruner, { input: { side, jobId: 'j', rules: keepRulesFromConfig(rules), retry, now: () => Date.now() } });
  const done = new Promise<PrunerMachineOutput>((resolve) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output as PrunerMachineOutput) }));
  actor.start();
  return { actor, done };
}

describe('pruner machine', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('sends nothing to the endpoint when nothing is to be destroyed', async () => {
    const world = makeWorld(2, 3);
    const out = await drive(runPruner(world, 'receiver', [{ type: 'last_n', count: 5 }]).done, 60_000);
    expect(out.state).toBe('done');
    expect(world.dst.calls.count('destroySnapshots')).toBe(0);
  });

  it("keeps going after one filesystem's destroy error and reports it on that filesystem", async () => {
    const world = makeWorld(2, 3);
    for (const fs of ['tank/fs0', 'tank/fs1']) await world.src.setReplicationCursor(fs, world.src.versions(fs)[2]!, 'j', new AbortController().signal);
    world.src.faults.add({ call: 'destroySnapshots', filesystem: 'tank/fs0', effect: { type: 'error', errorClass: 'permanent' } });
    const out = await drive(runPruner(world, 'sender', [{ type: 'last_n', count: 1 }]).done, 60_000);
    expect(out.state).toBe('done');
    const fs0 = out.filesystems.find((f) => f.filesystem === 'tank/fs0');
    const fs1 = out.filesystems.find((f) => f.filesystem === 'tank/fs1');
    expect(fs0?.problem?.kind).toBe('injected');
    expect(fs1?.destroyed).toEqual(['s1', 's2']);
    expect(world.src.versions('tank/fs1').filter((v) => v.type === 'snapshot').map((v) => v.name)).toEqual(['s3']);
  });

  it('retries transient destroy failures after a wait, then succeeds', async () => {
    const world = makeWorld(1, 3);
    await world.src.setReplicationCursor('tank/fs0', world.src.versions('tank/fs0')[2]!, 'j', new AbortController().signal);
    world.src.faults.add({ call: 'destroySnapshots', effect: { type: 'error', errorClass: 'transient' } });
    const { actor, done } = runPruner(world, 'sender', [{ type: 'last_n', count: 1 }]);
    const states: string[] = [];
    actor.subscribe((s) => states.push(typeof s.value === 'string' ? s.value : Object.keys(s.value)[0]!));
    const out = await drive(done, 60_000);
    expect(states).toContain('execWait');
    expect(out.filesystems.find((f) => f.filesystem === 'tank/fs0')?.destroyed).toEqual(['s1', 's2']);
  });

  it('ends in errPerm with the reason when cancelled', async () => {
    const world = makeWorld(1, 3);
    world.dst.faults.add({ call: 'listFilesystems', effect: { type: 'hang' } });
    const { actor, done } = runPruner(world, 'receiver', [{ type: 'last_n', count: 1 }]);
    actor.send({ type: 'cancel', reason: 'watchdog' });
    const out = await drive(done, 1000);
    expect(out.state).toBe('errPerm');
    expect(out.problem?.message).toMatch(/watchdog/);
  });
});

describe('pruner machine without rules', () => {
  beforeEach(useEngineFakeTimers);
  afterEach(() => vi.useRealTimers());

  it('lists nothing and destroys nothing', async () => {
    const world = makeWorld(2, 3);
    const out = await drive(runPruner(world, 'sender', []).done, 1_000);
    expect(out.state).toBe('done');
    expect(world.src.calls.count()).toBe(0);
  });
});
