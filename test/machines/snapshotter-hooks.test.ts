import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { snapshotterMachine, type RunPostHooksInput, type RunPreHooksInput } from '../../machines/snapshotter.js';
import type { HookFailure, PreHooksOutcome } from '../../src/hooks/snapshot-hooks.js';
import { cronSchedule } from '../../src/snapshotter/cron-schedule.js';

const MINUTE = 60_000;
const START = Date.parse('2026-11-26T09:30:00.000Z');
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

function start(options: { pre: (input: RunPreHooksInput) => PreHooksOutcome; failCreate?: boolean; nextAt?: (after: number) => number }) {
  const clock = new SimulatedClock();
  clock.set(START);
  const log: string[] = [];
  const post: RunPostHooksInput[] = [];
  const machine = snapshotterMachine.provide({
    actors: {
      findSyncPoint: fromPromise(async () => (options.nextAt ? options.nextAt(clock.now()) : clock.now())),
      listFilesystems: fromPromise(async () => ['tank/a', 'tank/b']),
      runPreHooks: fromPromise<PreHooksOutcome, RunPreHooksInput>(async ({ input }) => {
        log.push(`pre ${input.filesystems.join(',')}`);
        return options.pre(input);
      }),
      createSnapshots: fromPromise<void, { filesystems: string[]; snapshot: string }>(async ({ input }) => {
        log.push(`snapshot ${input.filesystems.join(',')} @${input.snapshot}`);
        if (options.failCreate) throw new Error('pool is busy');
      }),
      runPostHooks: fromPromise<HookFailure[], RunPostHooksInput>(async ({ input }) => {
        log.push(`post ${input.outcome}`);
        post.push(input);
        return [];
      }),
    },
  });
  const actor = createActor(machine, {
    clock,
    input: {
      prefix: 'xrepl_',
      intervalMs: 10 * MINUTE,
      now: () => clock.now(),
      hooks: true,
      naming: { format: 'human', location: 'UTC' },
      ...(options.nextAt ? { nextAt: options.nextAt } : {}),
    },
  });
  const taken: string[][] = [];
  actor.on('snapshots.taken', (e) => taken.push(e.filesystems));
  actor.start();
  return { clock, actor, log, post, taken };
}

describe('snapshotter machine with hooks', () => {
  it('runs pre hooks, snapshots what they did not skip, then the post hooks they owe', async () => {
    const h = start({
      pre: () => ({ ran: [{ hook: 0, filesystem: 'tank/a' }, { hook: 0, filesystem: 'tank/b' }], skipped: ['tank/b'], failures: [{ hook: 0, filesystem: 'tank/b', phase: 'pre_snapshot', path: '/x', fatal: true, message: 'pre_snapshot hook /x on tank/b: exited with code 1' }] }),
    });
    await settle();
    expect(h.log).toEqual(['pre tank/a,tank/b', 'snapshot tank/a @xrepl_2026-11-26_09:30:00', 'post taken']);
    expect(h.post[0]).toMatchObject({ outcome: 'taken', skipped: ['tank/b'] });
    expect(h.taken).toEqual([['tank/a']]);
    const snapshot = h.actor.getSnapshot();
    expect(snapshot.value).toBe('waiting');
    expect(snapshot.context.problem?.message).toMatch(/not snapshotted: pre_snapshot hook \/x on tank\/b/);
    h.actor.stop();
  });

  it('a failed snapshot still runs the post hooks, then waits for the retry', async () => {
    const h = start({ pre: () => ({ ran: [{ hook: 0, filesystem: 'tank/a' }], skipped: [], failures: [] }), failCreate: true });
    await settle();
    expect(h.log.at(-1)).toBe('post failed');
    expect(h.actor.getSnapshot().value).toBe('errorWait');
    expect(h.actor.getSnapshot().context.problem?.message).toBe('pool is busy');
    h.actor.stop();
  });

  it('when every filesystem is skipped, snapshots nothing and runs the post hooks', async () => {
    const h = start({ pre: () => ({ ran: [{ hook: 0, filesystem: 'tank/a' }], skipped: ['tank/a', 'tank/b'], failures: [] }) });
    await settle();
    expect(h.log).toEqual(['pre tank/a,tank/b', 'post skipped']);
    expect(h.taken).toEqual([]);
    expect(h.actor.getSnapshot().value).toBe('errorWait');
    h.actor.stop();
  });

  it('with a cron schedule sleeps until its next time, and after a snapshot until the one after', async () => {
    const h = start({ pre: () => ({ ran: [], skipped: [], failures: [] }), nextAt: cronSchedule('0 * * * *', 'UTC') });
    await settle();
    expect(h.log).toEqual([]);
    expect(h.actor.getSnapshot().context.sleepUntil).toBe(Date.parse('2026-11-26T10:00:00Z'));
    h.clock.increment(30 * MINUTE);
    await settle();
    expect(h.log).toContain('snapshot tank/a,tank/b @xrepl_2026-11-26_10:00:00');
    expect(h.actor.getSnapshot().context.sleepUntil).toBe(Date.parse('2026-11-26T11:00:00Z'));
    h.actor.stop();
  });
});

describe('snapshotter report with hooks', () => {
  it('lists the hooks that failed around the last snapshot', async () => {
    const { snapshotterReport } = await import('../../src/snapshotter/snapshotter-report.js');
    const h = start({
      pre: () => ({ ran: [{ hook: 0, filesystem: 'tank/a' }], skipped: [], failures: [{ hook: 0, filesystem: 'tank/a', phase: 'pre_snapshot', path: '/soft', fatal: false, message: 'pre_snapshot hook /soft on tank/a: exited with code 1' }] }),
    });
    await settle();
    const report = snapshotterReport(h.actor.getSnapshot());
    expect(report.hookFailures).toEqual([{ phase: 'pre_snapshot', filesystem: 'tank/a', path: '/soft', fatal: false, message: 'pre_snapshot hook /soft on tank/a: exited with code 1' }]);
    expect(report.problem).toBeUndefined();
    h.actor.stop();
  });
});
