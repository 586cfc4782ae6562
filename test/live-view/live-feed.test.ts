import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { REPORT_DELAY_MS } from '../../src/live-view/live-messages.js';
import { applyLiveMessage, createLiveFeed, createMemoryPool, createReplicationJob, observeActorStates, type LiveMessage } from '../../src/index.js';

function memoryJob() {
  const source = createMemoryPool({ name: 'source' });
  for (const fs of ['tank/a', 'tank/b']) {
    source.createFilesystem(fs);
    source.write(fs, 'data', 'x'.repeat(32 * 1024));
    source.snapshot(fs, 'one');
  }
  source.faults.add({ call: 'send', times: Infinity, effect: { type: 'slow', bytesPerChunk: 8 * 1024, delayMs: 5 } });
  const target = createMemoryPool({ name: 'target' });
  target.createFilesystem('backup');
  return createReplicationJob({ name: 'fed', sender: source.sender(), receiver: target.receiver({ rootFs: 'backup' }),
    progressIntervalMs: 10,
    // With rules the pruners list and plan, so their states outlast a burst.
    keepSender: [{ type: 'last_n', count: 5 }],
    keepReceiver: [{ type: 'last_n', count: 5 }],
  });
}

describe('createLiveFeed', () => {
  it('streams state values (never contexts) that, applied to the first hello, give the current state', async () => {
    const job = memoryJob();
    job.start();
    const feed = createLiveFeed([{ job }]);
    const hello = feed.current();
    const messages: LiveMessage[] = [];
    const subscription = feed.changes$.subscribe((m) => messages.push(m));
    await job.runOnce();
    // The last report follows its change after REPORT_DELAY_MS.
    await new Promise((resolve) => setTimeout(resolve, 2 * REPORT_DELAY_MS));
    subscription.unsubscribe();

    expect(hello.jobs.map((j) => j.actors.map((a) => a.path))).toEqual([['job']]);
    const replayed = messages.reduce(applyLiveMessage, hello);
    const sortActors = (h: typeof hello) => h.jobs.map((j) => ({ ...j, actors: [...j.actors].sort((a, b) => a.path.localeCompare(b.path)) }));
    expect(sortActors(replayed)).toEqual(sortActors(feed.current()));

    const states = messages.filter((m): m is Extract<LiveMessage, { type: 'states' }> => m.type === 'states');
    const jobSteps = states.flatMap((m) => m.set.filter((a) => a.path === 'job').map((a) => (a.value as { work: unknown }).work));
    expect(jobSteps).toEqual(expect.arrayContaining(['replicating', 'pruningSender', 'pruningReceiver']));
    const fsPaths = new Set(states.flatMap((m) => m.set.filter((a) => a.machine === 'filesystem').map((a) => a.path)));
    expect(fsPaths).toEqual(new Set(['job/replication/fs.tank/a', 'job/replication/fs.tank/b']));
    // Once the run is over only the job's own actor is left, and no message carried a context.
    expect(feed.current().jobs[0]?.actors.map((a) => a.path)).toEqual(['job']);
    expect(states.every((m) => !JSON.stringify(m).includes('"context"'))).toBe(true);
    expect(Math.max(...states.map((m) => JSON.stringify(m).length))).toBeLessThan(1024);
    const reports = messages.filter((m) => m.type === 'report');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThan(states.length);
    feed.close();
    job.stop();
  });
});

describe('observeActorStates', () => {
  it('emits the state of a plain machine as it changes and completes when the actor stops', async () => {
    const toggle = createMachine({ id: 'toggle', initial: 'off', states: { off: { on: { flip: 'on' } }, on: { on: { flip: 'off' } } } });
    const actor = createActor(toggle);
    const seen: string[] = [];
    let completed = false;
    observeActorStates(actor, 'root').subscribe({ next: (states) => seen.push(states.map((s) => `${s.path}:${s.machine}:${JSON.stringify(s.value)}`).join()), complete: () => (completed = true) });
    actor.start();
    actor.send({ type: 'flip' });
    await Promise.resolve();
    actor.send({ type: 'flip' });
    await Promise.resolve();
    actor.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['root:toggle:"off"', 'root:toggle:"on"', 'root:toggle:"off"']);
    expect(completed).toBe(true);
  });
});
