import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FilesystemEntry } from '../../src/replication/filesystem-entry.js';
import { addWaiting, createQueue, earliestRetry, takeNext } from '../../src/replication/queue.js';
import { EntryTable } from '../../src/replication/entry-table.js';

const entry = (path: string, nextStepDate: number, status: FilesystemEntry['status'] = 'ready', retryAt?: number): FilesystemEntry => ({
  path,
  status,
  steps: [],
  attempts: 0,
  needsReplan: false,
  nextStepDate,
  retryAt,
});

describe('replication queue', () => {
  it('takes ready filesystems by next step date, then path', () => {
    const entries = [entry('c', 30), entry('a', 20), entry('b', 20), entry('done', 1, 'completed')];
    let queue = createQueue(entries);
    const order: string[] = [];
    for (let next = takeNext(EntryTable.from(entries), queue, 0); next.index !== undefined; next = takeNext(EntryTable.from(entries), queue, 0)) {
      order.push(entries[next.index]?.path ?? '?');
      queue = next.queue;
    }
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('takes retry-waiting filesystems only when due, earliest retry first, after the ready ones', () => {
    const entries = [entry('ready', 50), entry('late', 10, 'retryWait', 200), entry('early', 10, 'retryWait', 100)];
    let queue = addWaiting(addWaiting(createQueue(entries), 1), 2);
    expect(earliestRetry(EntryTable.from(entries), queue)).toBe(100);
    const first = takeNext(EntryTable.from(entries), queue, 150);
    expect(entries[first?.index ?? -1]?.path).toBe('ready');
    queue = first!.queue;
    const second = takeNext(EntryTable.from(entries), queue, 150);
    expect(entries[second?.index ?? -1]?.path).toBe('early');
    queue = second!.queue;
    expect(takeNext(EntryTable.from(entries), queue, 150).index).toBeUndefined();
    expect(entries[takeNext(EntryTable.from(entries), queue, 200)?.index ?? -1]?.path).toBe('late');
  });

  it('hands out every ready filesystem exactly once, in non-decreasing date order', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ date: fc.integer({ min: 0, max: 20 }), ready: fc.boolean() }), { maxLength: 40 }), (specs) => {
        const entries = specs.map((s, i) => entry(`fs${String(i).padStart(2, '0')}`, s.date, s.ready ? 'ready' : 'completed'));
        let queue = createQueue(entries);
        const taken: number[] = [];
        for (let next = takeNext(EntryTable.from(entries), queue, 0); next.index !== undefined; next = takeNext(EntryTable.from(entries), queue, 0)) {
          taken.push(next.index);
          queue = next.queue;
        }
        expect([...taken].sort((a, b) => a - b)).toEqual(entries.flatMap((e, i) => (e.status === 'ready' ? [i] : [])));
        const dates = taken.map((i) => entries[i]?.nextStepDate ?? 0);
        expect(dates).toEqual([...dates].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
