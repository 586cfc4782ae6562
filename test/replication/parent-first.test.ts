import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSameOrBelow } from '../../src/domain/dataset-name.js';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { EntryTable } from '../../src/replication/entry-table.js';
import type { FilesystemEntry, FilesystemStatus, PlannedStep } from '../../src/replication/filesystem-entry.js';
import { awaitsInitialReplication, initialReplicationBlocker } from '../../src/replication/parent-first.js';
import { createQueue, takeNext, type QueueState } from '../../src/replication/queue.js';

const version = (name: string, n: number): FilesystemVersion => ({ type: 'snapshot', name, guid: BigInt(n), createTxg: BigInt(n), creation: new Date(n * 1000) });
const full = (received = false): PlannedStep => ({ kind: 'transfer', to: version('s1', 1), bytes: 0, received, done: false });
const incremental: PlannedStep = { kind: 'transfer', from: version('s1', 1), to: version('s2', 2), bytes: 0, received: false, done: false };
const cursorOnly: PlannedStep = { kind: 'cursor', to: version('s1', 1), bytes: 0, received: true, done: false };

type Plan = 'full' | 'fullReceived' | 'incremental' | 'cursor' | 'none';
const stepsOf: Record<Plan, PlannedStep[]> = {
  full: [full(), incremental],
  fullReceived: [full(true), incremental],
  incremental: [incremental],
  cursor: [cursorOnly],
  none: [],
};

const entry = (path: string, plan: Plan, status: FilesystemStatus = 'ready', date = 0): FilesystemEntry => ({
  path,
  status,
  steps: stepsOf[plan],
  attempts: 0,
  needsReplan: false,
  nextStepDate: date,
});

describe('parent-first rule of first replications', () => {
  // [what, entries (the last one is asked about), the ancestor expected to hold it, or undefined]
  const table: [string, FilesystemEntry[], string | undefined][] = [
    ['a child waits for its ready parent', [entry('t/a', 'full'), entry('t/a/b', 'full')], 't/a'],
    ['a child waits for its running parent', [entry('t/a', 'full', 'active'), entry('t/a/b', 'full')], 't/a'],
    ['a child waits for its parent waiting for a retry', [entry('t/a', 'full', 'retryWait'), entry('t/a/b', 'full')], 't/a'],
    ['a grandchild waits for its nearest awaiting ancestor', [entry('t/a', 'full'), entry('t/a/b', 'full'), entry('t/a/b/c', 'full')], 't/a/b'],
    ['an ancestor outside the run is skipped over', [entry('t/a', 'full'), entry('t/a/b/c', 'full')], 't/a'],
    ['a parent whose full send is received holds nothing', [entry('t/a', 'fullReceived', 'active'), entry('t/a/b', 'full')], undefined],
    ['a parent with only incrementals holds nothing', [entry('t/a', 'incremental'), entry('t/a/b', 'full')], undefined],
    ['a parent with only a cursor move holds nothing', [entry('t/a', 'cursor'), entry('t/a/b', 'full')], undefined],
    ['a parent that failed for good holds nothing', [entry('t/a', 'full', 'permanentError'), entry('t/a/b', 'full')], undefined],
    ['a parent with nothing to send holds nothing', [entry('t/a', 'none', 'skipped'), entry('t/a/b', 'full')], undefined],
    ['a completed parent holds nothing', [entry('t/a', 'none', 'completed'), entry('t/a/b', 'full')], undefined],
    ['a child with only incrementals is never held', [entry('t/a', 'full'), entry('t/a/b', 'incremental')], undefined],
    ['a sibling with a longer name is no child', [entry('t/a', 'full'), entry('t/ab', 'full')], undefined],
    ['a parent never waits for its child', [entry('t/a/b', 'full'), entry('t/a', 'full')], undefined],
  ];
  it.each(table)('%s', (_what, entries, expected) => {
    const table = EntryTable.from(entries);
    const indexOf = new Map(entries.map((e, i) => [e.path, i]));
    const blocker = initialReplicationBlocker(table, indexOf, entries.length - 1);
    expect(blocker === undefined ? undefined : entries[blocker]?.path).toBe(expected);
  });

  it('the queue holds a child until its parent is received, then hands it out, with the slot left free meanwhile', () => {
    let entries = [entry('t/a', 'full', 'ready', 1), entry('t/a/b', 'full', 'ready', 0), entry('t/c', 'full', 'ready', 2)];
    let queue = createQueue(entries);
    const take = (): string | undefined => {
      const next = takeNext(EntryTable.from(entries), queue, 0);
      queue = next.queue;
      if (next.index === undefined) return undefined;
      entries = entries.map((e, i) => (i === next.index ? { ...e, status: 'active' } : e));
      return entries[next.index]?.path;
    };
    // t/a/b is oldest but waits for t/a; t/c is unrelated.
    expect([take(), take(), take()]).toEqual(['t/a', 't/c', undefined]);
    // Asking again while t/a runs changes nothing.
    expect(take()).toBeUndefined();
    entries = entries.map((e) => (e.path === 't/a' ? { ...e, steps: stepsOf.fullReceived } : e));
    expect([take(), take()]).toEqual(['t/a/b', undefined]);
  });

  it('lets a held child go when its parent fails for good', () => {
    let entries = [entry('t/a', 'full', 'active'), entry('t/a/b', 'full')];
    let queue: QueueState = createQueue(entries);
    const first = takeNext(EntryTable.from(entries), queue, 0);
    expect(first.index).toBeUndefined();
    queue = first.queue;
    entries = entries.map((e) => (e.path === 't/a' ? { ...e, status: 'permanentError' } : e));
    expect(takeNext(EntryTable.from(entries), queue, 0).index).toBe(1);
  });

  it('hands out every ready filesystem exactly once, never one whose ancestor awaits its first replication', () => {
    const names = ['t', 't/a', 't/a/b', 't/a/b/c', 't/a/d', 't/e', 't/e/f', 'u', 'u/g'];
    const plans: Plan[] = ['full', 'incremental', 'cursor'];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...names), { minLength: 1 }),
        fc.array(fc.constantFrom(...plans), { minLength: names.length, maxLength: names.length }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: names.length, maxLength: names.length }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 50 }),
        (paths, planOf, dateOf, concurrency, finishPicks) => {
          const sorted = [...paths].sort();
          let entries = sorted.map((p) => entry(p, planOf[names.indexOf(p)] ?? 'full', 'ready', dateOf[names.indexOf(p)] ?? 0));
          let queue = createQueue(entries);
          const taken: string[] = [];
          let picks = 0;
          for (let round = 0; round < 100; round++) {
            // Fill the free slots.
            for (;;) {
              if (entries.filter((e) => e.status === 'active').length >= concurrency) break;
              const next = takeNext(EntryTable.from(entries), queue, 0);
              queue = next.queue;
              if (next.index === undefined) break;
              const picked = entries[next.index] as FilesystemEntry;
              const awaiting = entries.filter((e) => e.path !== picked.path && isSameOrBelow(picked.path, e.path) && awaitsInitialReplication(e));
              if (awaitsInitialReplication(picked)) expect(awaiting.map((e) => e.path)).toEqual([]);
              taken.push(picked.path);
              entries = entries.map((e, i) => (i === next.index ? { ...e, status: 'active' } : e));
            }
            const running = entries.filter((e) => e.status === 'active');
            if (running.length === 0) break;
            // One running filesystem ends (completed or failed).
            const done = running[(finishPicks[picks++] ?? 0) % running.length] as FilesystemEntry;
            const failed = (finishPicks[picks] ?? 0) % 3 === 0;
            entries = entries.map((e) =>
              e === done ? { ...e, status: failed ? 'permanentError' : 'completed', steps: e.steps.map((s) => ({ ...s, received: !failed, done: !failed })) } : e,
            );
          }
          expect([...taken].sort()).toEqual(sorted);
        },
      ),
      { numRuns: 400 },
    );
  });
});
