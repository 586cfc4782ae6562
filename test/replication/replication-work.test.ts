import { describe, expect, it } from 'vitest';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { cancelWork } from '../../src/replication/cancellation.js';
import type { AttemptResult, FilesystemEntry, FilesystemStatus, PlannedStep } from '../../src/replication/filesystem-entry.js';
import { permanentProblem, type Problem } from '../../src/replication/problem.js';
import { addWaiting } from '../../src/replication/queue.js';
import {
  fillSlots,
  giveUpReplanning,
  mergePlans,
  recordAttempt,
  recordCrash,
  recordInitialReceived,
  releaseSlot,
  retryWaitingNow,
  workFromPlan,
  workOutlook,
  type ReplicationWork,
} from '../../src/replication/replication-work.js';

const version = (n: number): FilesystemVersion => ({ type: 'snapshot', name: `s${n}`, guid: BigInt(n), createTxg: BigInt(n), creation: new Date(n * 1000) });
const step = (from: number | undefined, to: number, fields: Partial<PlannedStep> = {}): PlannedStep => ({
  kind: 'transfer',
  ...(from === undefined ? {} : { from: version(from) }),
  to: version(to),
  bytes: 0,
  received: false,
  done: false,
  ...fields,
});
const entry = (path: string, status: FilesystemStatus = 'ready', steps: PlannedStep[] = [step(1, 2)], fields: Partial<FilesystemEntry> = {}): FilesystemEntry => ({
  path,
  status,
  steps,
  attempts: 0,
  needsReplan: false,
  nextStepDate: 0,
  ...fields,
});
const transient: Problem = { message: 'busy', kind: 'dataset-busy', errorClass: 'transient', at: 5 };

/** Work over entries, with the given paths running (active) and, of those, the released ones. */
function work(entries: FilesystemEntry[], released: string[] = []): ReplicationWork {
  const w = workFromPlan([], entries);
  return { ...w, active: entries.filter((e) => e.status === 'active').length, released: new Set(released) };
}
const statuses = (w: ReplicationWork): string[] => w.entries.toArray().map((e) => `${e.path}:${e.status}`);

describe('the replication machine\'s decisions, as pure functions', () => {
  describe('fillSlots', () => {
    // [what, entries, released, concurrency, started, active after]
    const table: [string, FilesystemEntry[], string[], number, string[], number][] = [
      ['fills every free slot in queue order', [entry('a'), entry('b'), entry('c')], [], 2, ['a', 'b'], 2],
      ['starts nothing when the slots are taken', [entry('a', 'active'), entry('b')], [], 1, [], 1],
      ['a running filesystem that gave its slot back holds none', [entry('a', 'active'), entry('b')], ['a'], 1, ['b'], 2],
      ['skips what is not ready', [entry('a', 'completed'), entry('b', 'permanentError'), entry('c')], [], 3, ['c'], 1],
      ['holds a child behind its parent\'s first replication and gives the slot to another', [entry('t/p', 'active', [step(undefined, 1)]), entry('t/p/c', 'ready', [step(undefined, 1)]), entry('t/q')], [], 3, ['t/q'], 2],
    ];
    it.each(table)('%s', (_what, entries, released, concurrency, started, active) => {
      const result = fillSlots(work(entries, released), concurrency, 0);
      expect(result.started.map((e) => e.path)).toEqual(started);
      expect(result.work.active).toBe(active);
      for (const path of started) expect(statuses(result.work)).toContain(`${path}:active`);
    });
  });

  describe('recordAttempt', () => {
    const result = (status: AttemptResult['status'], needsReplan = false): AttemptResult => ({
      path: 'a',
      status,
      steps: [step(1, 2, { received: true, done: status === 'completed' })],
      attempts: status === 'completed' ? 0 : 1,
      retryAt: status === 'retryWait' ? 100 : undefined,
      problem: status === 'completed' ? undefined : transient,
      needsReplan,
    });
    // [what, result, status after, waiting for a retry, waiting for a plan]
    const table: [string, AttemptResult, FilesystemStatus, number, number][] = [
      ['a completed attempt frees its slot', result('completed'), 'completed', 0, 0],
      ['a retry waits in the queue', result('retryWait'), 'retryWait', 1, 0],
      ['a stale plan waits for a new plan, not in the queue', result('retryWait', true), 'retryWait', 0, 1],
      ['a permanent failure waits for nothing', result('permanentError'), 'permanentError', 0, 0],
    ];
    it.each(table)('%s', (_what, r, status, waiting, replanWaiting) => {
      const after = recordAttempt(work([entry('a', 'active')], ['a']), r);
      expect(statuses(after)).toEqual([`a:${status}`]);
      expect(after.active).toBe(0);
      expect(after.released.size).toBe(0);
      expect(after.queue.waiting).toHaveLength(waiting);
      expect(after.replanWaiting).toBe(replanWaiting);
      expect(after.entries.get(0)?.steps).toEqual(r.steps);
      expect(after.entries.get(0)?.nextStepDate).toBe(status === 'completed' ? Number.POSITIVE_INFINITY : 2000);
    });

    it('ignores a result for a filesystem the run does not have', () => {
      const before = work([entry('a', 'active')]);
      expect(statuses(recordAttempt(before, { ...result('completed'), path: 'other' }))).toEqual(['a:active']);
    });
  });

  it('a crashed filesystem machine fails its filesystem for good, as an internal error', () => {
    const after = recordCrash(work([entry('a', 'active')]), 'a', transient);
    expect(after.entries.get(0)).toMatchObject({ status: 'permanentError', problem: { kind: 'internal', errorClass: 'permanent', message: 'busy' } });
    expect(after.active).toBe(0);
  });

  describe('releaseSlot', () => {
    // [what, entries, already released, released after]
    const table: [string, FilesystemEntry[], string[], string[]][] = [
      ['a running filesystem gives its slot back', [entry('a', 'active')], [], ['a']],
      ['only the first release counts', [entry('a', 'active')], ['a'], ['a']],
      ['a filesystem that is not running has no slot to give', [entry('a', 'completed')], [], []],
    ];
    it.each(table)('%s', (_what, entries, released, after) => {
      expect([...releaseSlot(work(entries, released), 'a').released]).toEqual(after);
    });
  });

  describe('recordInitialReceived', () => {
    it("marks a running filesystem's full send received, which lets its children go", () => {
      const before = work([entry('t/p', 'active', [step(undefined, 1), step(1, 2)]), entry('t/p/c', 'ready', [step(undefined, 1)])]);
      expect(fillSlots(before, 2, 0).started).toEqual([]);
      const after = recordInitialReceived(before, 't/p');
      expect(after.entries.get(0)?.steps.map((s) => s.received)).toEqual([true, false]);
      expect(fillSlots(after, 2, 0).started.map((e) => e.path)).toEqual(['t/p/c']);
    });
    it('changes nothing for a filesystem that is not running', () => {
      const before = work([entry('t/p', 'ready', [step(undefined, 1)])]);
      expect(recordInitialReceived(before, 't/p').entries.get(0)?.steps[0]?.received).toBe(false);
    });
  });

  it('a wakeup makes every waiting retry due now', () => {
    const before = work([entry('a', 'retryWait', [step(1, 2)], { retryAt: 500 }), entry('b', 'retryWait', [step(1, 2)], { retryAt: 900 })]);
    const waiting = { ...before, queue: addWaiting(addWaiting(before.queue, 0), 1) };
    expect(retryWaitingNow(waiting, 10).entries.toArray().map((e) => e.retryAt)).toEqual([10, 10]);
  });

  it('giving up re-plans fails exactly the filesystems that waited for a plan, saying how often it planned', () => {
    const before = work([
      entry('a', 'retryWait', [step(1, 2)], { needsReplan: true, problem: transient }),
      entry('b', 'retryWait', [step(1, 2)], { problem: transient }),
      entry('c', 'completed'),
    ]);
    const after = giveUpReplanning({ ...before, replanWaiting: 1 }, 3);
    expect(statuses(after)).toEqual(['a:permanentError', 'b:retryWait', 'c:completed']);
    expect(after.entries.get(0)?.problem).toMatchObject({ errorClass: 'permanent', message: 'gave up after 3 plans: busy' });
    expect(after.replanWaiting).toBe(0);
  });

  describe('mergePlans', () => {
    const done = step(1, 2, { received: true, done: true });
    // [what, previous, planned, merged (status, step targets, attempts)]
    const table: [string, FilesystemEntry[], FilesystemEntry[], [FilesystemStatus, string[], number]][] = [
      ['a first plan is taken as is', [], [entry('a', 'ready', [step(1, 2)])], ['ready', ['s2'], 0]],
      ['a completed filesystem with nothing new stays completed', [entry('a', 'completed', [done])], [entry('a', 'skipped', [])], ['completed', ['s2'], 0]],
      ['done steps and attempts carry over into the new plan', [entry('a', 'retryWait', [done, step(2, 3)], { attempts: 2 })], [entry('a', 'ready', [step(2, 4)])], ['ready', ['s2', 's4'], 2]],
      ['a filesystem with done steps and nothing left is completed', [entry('a', 'retryWait', [done, step(2, 3)])], [entry('a', 'skipped', [])], ['completed', ['s2'], 0]],
      ['a filesystem new to this plan is taken as is', [entry('b', 'completed', [done])], [entry('a', 'ready', [step(1, 2)])], ['ready', ['s2'], 0]],
    ];
    it.each(table)('%s', (_what, previous, planned, [status, targets, attempts]) => {
      const [merged] = mergePlans(previous, planned);
      expect([merged?.status, merged?.steps.map((s) => s.to.name), merged?.attempts]).toEqual([status, targets, attempts]);
    });
  });

  describe('cancelWork', () => {
    it('ends running filesystems cancelled with their live steps, keeps the others, and keeps the last retried error', () => {
      const live = [step(1, 2, { bytes: 42, received: true })];
      const before = work(
        [entry('a', 'active'), entry('b', 'retryWait', [step(1, 2)], { problem: { ...transient, message: 'newest', at: 9 } }), entry('c', 'ready')],
        ['a'],
      );
      const { work: after, problem } = cancelWork(before, undefined, 'watchdog', 20, (path) => (path === 'a' ? live : undefined));
      expect(statuses(after)).toEqual(['a:permanentError', 'b:retryWait', 'c:ready']);
      expect(after.entries.get(0)?.steps).toEqual(live);
      expect(after.entries.get(0)?.problem).toMatchObject({ kind: 'cancelled', message: 'replication cancelled: watchdog' });
      expect(after.active).toBe(0);
      expect(after.released.size).toBe(0);
      expect(problem).toMatchObject({ kind: 'cancelled', message: 'replication cancelled: watchdog; last error: newest', lastError: { message: 'newest' } });
    });
    it("prefers planning's own error as the last one retried", () => {
      const planning = permanentProblem('injected', 'listing failed', 3);
      expect(cancelWork(work([]), planning, 'stop', 4, () => undefined).problem.lastError?.message).toBe('listing failed');
    });
  });

  describe('workOutlook', () => {
    // [what, entries, waiting indices, replanWaiting, outlook]
    const table: [string, FilesystemEntry[], number[], number, ReturnType<typeof workOutlook>][] = [
      ['runs while a filesystem runs', [entry('a', 'active')], [], 0, 'running'],
      ['runs while a filesystem may start', [entry('a')], [], 0, 'running'],
      ['sleeps when only retries wait', [entry('a', 'retryWait', [step(1, 2)], { retryAt: 100 })], [0], 0, 'onlyWaiting'],
      ['plans again when a filesystem waits for a plan', [entry('a', 'retryWait', [step(1, 2)], { needsReplan: true })], [], 1, 'replan'],
      ['is done when everything ended', [entry('a', 'completed'), entry('b', 'permanentError')], [], 0, 'done'],
    ];
    it.each(table)('%s', (_what, entries, waiting, replanWaiting, outlook) => {
      const w = work(entries);
      const queue = waiting.reduce((q, i) => addWaiting(q, i), w.queue);
      expect(workOutlook({ ...w, queue, replanWaiting }, 0)).toBe(outlook);
    });
  });
});
