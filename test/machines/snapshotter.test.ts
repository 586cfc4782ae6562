import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { snapshotterMachine, type CreateSnapshotsInput, type SnapshotsTakenEvent } from '../../machines/snapshotter.js';

const MINUTE = 60_000;
const START = Date.parse('2026-11-26T09:30:00.000Z');

interface Harness {
  clock: SimulatedClock;
  actor: ReturnType<typeof start>;
  taken: SnapshotsTakenEvent[];
  created: CreateSnapshotsInput[];
  states: string[];
}

interface Fakes {
  syncPoint?: (now: number) => number;
  filesystems?: () => string[];
  /** Throws to make a createSnapshots call fail. */
  onCreate?: (input: CreateSnapshotsInput, call: number) => void;
}

function start(clock: SimulatedClock, fakes: Fakes, created: CreateSnapshotsInput[], signals: AbortSignal[]) {
  const machine = snapshotterMachine.provide({
    actors: {
      findSyncPoint: fromPromise(async () => (fakes.syncPoint ?? ((now: number) => now))(clock.now())),
      listFilesystems: fromPromise(async () => (fakes.filesystems ?? (() => ['tank/a', 'tank/b']))()),
      createSnapshots: fromPromise<void, CreateSnapshotsInput>(async ({ input, signal }) => {
        signals.push(signal);
        created.push(input);
        fakes.onCreate?.(input, created.length);
      }),
    },
  });
  return createActor(machine, { clock, input: { prefix: 'xrepl_', intervalMs: 10 * MINUTE, now: () => clock.now() } });
}

function harness(fakes: Fakes = {}, signals: AbortSignal[] = []): Harness {
  const clock = new SimulatedClock();
  clock.set(START);
  const created: CreateSnapshotsInput[] = [];
  const actor = start(clock, fakes, created, signals);
  const taken: SnapshotsTakenEvent[] = [];
  const states: string[] = [];
  actor.on('snapshots.taken', (event) => taken.push(event));
  actor.subscribe((s) => {
    const value = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
    if (states.at(-1) !== value) states.push(value);
  });
  actor.start();
  return { clock, actor, taken, created, states };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

// Steps simulated time in small increments, letting promise actors settle between steps.
async function advance(clock: SimulatedClock, ms: number, step = 10_000): Promise<void> {
  await settle();
  for (let done = 0; done < ms; done += step) {
    clock.increment(Math.min(step, ms - done));
    await settle();
    await settle();
  }
}

describe('snapshotter machine', () => {
  it('syncs up: sleeps until the sync point, then snapshots and emits snapshots.taken', async () => {
    const h = harness({ syncPoint: (now) => now + 7 * MINUTE });
    await advance(h.clock, 7 * MINUTE - 10_000);
    expect(h.actor.getSnapshot().value).toEqual({ syncUp: 'sleeping' });
    expect(h.created).toEqual([]);
    await advance(h.clock, 10_000);
    expect(h.created).toEqual([{ filesystems: ['tank/a', 'tank/b'], snapshot: 'xrepl_20261126_093700_000' }]);
    expect(h.taken).toEqual([{ type: 'snapshots.taken', snapshot: 'xrepl_20261126_093700_000', filesystems: ['tank/a', 'tank/b'] }]);
    expect(h.actor.getSnapshot().value).toBe('waiting');
    h.actor.stop();
  });

  it('snapshots once per interval, measured from the start of each planning', async () => {
    const h = harness();
    await advance(h.clock, 35 * MINUTE);
    expect(h.created.map((c) => c.snapshot)).toEqual([
      'xrepl_20261126_093000_000',
      'xrepl_20261126_094000_000',
      'xrepl_20261126_095000_000',
      'xrepl_20261126_100000_000',
    ]);
    expect(h.taken).toHaveLength(4);
    expect(h.actor.getSnapshot().context.sleepUntil).toBe(START + 40 * MINUTE);
    h.actor.stop();
  });

  it('on a failed snapshot waits in errorWait without waking replication, then retries', async () => {
    const h = harness({
      onCreate: (_input, call) => {
        if (call === 1) throw new Error('zfs snapshot: out of space');
      },
    });
    await advance(h.clock, MINUTE);
    const failed = h.actor.getSnapshot();
    expect(failed.value).toBe('errorWait');
    expect(failed.context.problem?.message).toBe('zfs snapshot: out of space');
    expect(h.taken).toEqual([]);
    await advance(h.clock, 10 * MINUTE);
    expect(h.created).toHaveLength(2);
    expect(h.taken.map((t) => t.snapshot)).toEqual(['xrepl_20261126_094000_000']);
    expect(h.actor.getSnapshot().context.problem).toBeUndefined();
    h.actor.stop();
  });

  it('goes to errorWait when the sync point cannot be found, and plans after the retry delay', async () => {
    const h = harness({
      syncPoint: () => {
        throw new Error('listing failed');
      },
    });
    await advance(h.clock, 10_000);
    expect(h.actor.getSnapshot().value).toBe('errorWait');
    expect(h.created).toEqual([]);
    await advance(h.clock, 10 * MINUTE);
    expect(h.created).toHaveLength(1);
    h.actor.stop();
  });

  it('takes no snapshot and emits nothing when there is no filesystem', async () => {
    const h = harness({ filesystems: () => [] });
    await advance(h.clock, 25 * MINUTE);
    expect(h.created).toEqual([]);
    expect(h.taken).toEqual([]);
    expect(h.states).toContain('planning');
    expect(h.actor.getSnapshot().value).toBe('waiting');
    h.actor.stop();
  });

  it('records progress when a call completed, and never on a failure or on a timer out of errorWait or waiting', async () => {
    let fail = true;
    const h = harness({
      onCreate: () => {
        if (fail) throw new Error('transient');
      },
    });
    const seen: { state: string; count: number }[] = [];
    h.actor.subscribe((s) => seen.push({ state: JSON.stringify(s.value), count: s.context.progress.count }));
    await advance(h.clock, MINUTE);
    fail = false;
    await advance(h.clock, 25 * MINUTE);
    expect(seen.length).toBeGreaterThan(3);
    // Leaving a state by its completed call is work; leaving a wait by its timer, or failing, is not.
    const byTimer = new Set(['"errorWait"', '"waiting"', '{"syncUp":"sleeping"}']);
    const transitions = seen.slice(1).map((after, i) => ({ before: seen[i]!, after })).filter(({ before, after }) => before.state !== after.state);
    for (const { before, after } of transitions) {
      const why = `${before.state} -> ${after.state}`;
      if (after.state === '"errorWait"' || byTimer.has(before.state)) expect(after.count, why).toBe(before.count);
      else expect(after.count, why).toBe(before.count + 1);
    }
    expect(transitions.map((t) => `${t.before.state} -> ${t.after.state}`)).toEqual(
      expect.arrayContaining(['"snapshotting" -> "errorWait"', '"errorWait" -> "planning"', '"waiting" -> "planning"']),
    );
    h.actor.stop();
  });

  it('aborts a running snapshot when stopped', async () => {
    const signals: AbortSignal[] = [];
    const h = harness({}, signals);
    const machine = snapshotterMachine.provide({
      actors: {
        findSyncPoint: fromPromise(async () => h.clock.now()),
        listFilesystems: fromPromise(async () => ['tank/a']),
        createSnapshots: fromPromise<void, CreateSnapshotsInput>(({ signal }) => {
          signals.push(signal);
          return new Promise<void>(() => undefined); // hangs
        }),
      },
    });
    h.actor.stop();
    const hanging = createActor(machine, { clock: h.clock, input: { prefix: 'p_', intervalMs: MINUTE, now: () => h.clock.now() } });
    hanging.start();
    await advance(h.clock, 10_000);
    expect(hanging.getSnapshot().value).toBe('snapshotting');
    const signal = signals.at(-1)!;
    expect(signal.aborted).toBe(false);
    hanging.stop();
    expect(signal.aborted).toBe(true);
  });
});
