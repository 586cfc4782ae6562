import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FilesystemVersion } from '../../src/domain/version.js';
import { incrementalPath, type IncrementalPathResult } from '../../src/planning/incremental-path.js';
import type { Conflict } from '../../src/planning/conflict.js';
import { version, versions as l } from './version-shorthand.js';

function pathOf(result: IncrementalPathResult): FilesystemVersion[] {
  if (!result.ok) throw new Error(`expected a path, got conflict ${result.conflict.kind}: ${result.conflict.message}`);
  return result.path;
}

function conflictOf<K extends Conflict['kind']>(result: IncrementalPathResult, kind: K): Extract<Conflict, { kind: K }> {
  if (result.ok) throw new Error(`expected conflict ${kind}, got a path of ${result.path.length}`);
  expect(result.conflict.kind).toBe(kind);
  return result.conflict as Extract<Conflict, { kind: K }>;
}

describe('incrementalPath with snapshots only', () => {
  it('starts at the receiver newest snapshot and continues with every newer sender snapshot', () => {
    expect(pathOf(incrementalPath(l('@a,1 @b,2'), l('@a,1 @b,2 @c,3 @d,4')))).toEqual(l('@b,2 @c,3 @d,4'));
  });

  it('ignores gaps before the most recent common ancestor', () => {
    expect(pathOf(incrementalPath(l('@a,1 @b,2 @c,3'), l('@a,1 @c,3 @d,4')))).toEqual(l('@c,3 @d,4'));
  });

  it('finds the ancestor by guid, not by name', () => {
    // The receiver's snapshot was renamed; its guid still matches the sender's @b.
    expect(pathOf(incrementalPath(l('@renamed,2'), l('@a,1 @b,2 @c,3')))).toEqual(l('@b,2 @c,3'));
    // Same name, different guid: not a common ancestor.
    conflictOf(incrementalPath(l('@b,2,99'), l('@a,1 @b,2 @c,3')), 'no-common-ancestor');
  });

  it('orders by createTxg, not by creation time: snapshots of the same second do not conflict', () => {
    const sameSecond = (token: string) => ({ ...version(token), creation: new Date(1_700_000_000_000) });
    const sender = ['@a,10', '@b,11', '@c,12'].map(sameSecond);
    const receiver = ['@a,10', '@b,11'].map(sameSecond);
    expect(pathOf(incrementalPath(receiver, sender)).map((v) => v.name)).toEqual(['b', 'c']);
  });

  it('does not depend on the order in which the endpoints listed the versions', () => {
    expect(pathOf(incrementalPath(l('@b,2 @a,1'), l('@d,4 @b,2 @c,3 @a,1')))).toEqual(l('@b,2 @c,3 @d,4'));
  });
});

describe('incrementalPath conflicts', () => {
  it('reports no-common-ancestor with an empty receiver list when the receiver has nothing', () => {
    const conflict = conflictOf(incrementalPath([], l('@a,1')), 'no-common-ancestor');
    expect(conflict.sortedSenderVersions).toEqual(l('@a,1'));
    expect(conflict.sortedReceiverVersions).toEqual([]);
    expect(conflict.message).toContain('@a (guid 1, txg 1)');
  });

  it('reports no-common-ancestor with both sorted lists when no guid is shared', () => {
    const conflict = conflictOf(incrementalPath(l('@b,2 @a,1'), l('@d,4 @c,3')), 'no-common-ancestor');
    expect(conflict.sortedReceiverVersions).toEqual(l('@a,1 @b,2'));
    expect(conflict.sortedSenderVersions).toEqual(l('@c,3 @d,4'));
    for (const name of ['@a', '@b', '@c', '@d']) expect(conflict.message).toContain(name);
  });

  it('reports diverged with the ancestor and what each side has beyond it', () => {
    const conflict = conflictOf(incrementalPath(l('@a,1 @b1,2'), l('@a,1 @b2,3')), 'diverged');
    expect(conflict.commonAncestor).toEqual(version('@a,1'));
    expect(conflict.receiverOnly).toEqual(l('@b1,2'));
    expect(conflict.senderOnly).toEqual(l('@b2,3'));
    expect(conflict.sortedSenderVersions).toEqual(l('@a,1 @b2,3'));
    expect(conflict.sortedReceiverVersions).toEqual(l('@a,1 @b1,2'));
    for (const name of ['@a (', '@b1 (', '@b2 (']) expect(conflict.message).toContain(name);
  });

  it('reports diverged when the receiver is ahead of the sender', () => {
    // The sender lost @c (destroyed before being replicated further): the receiver's newest is unknown to it.
    const conflict = conflictOf(incrementalPath(l('@a,1 @b,2 @c,3'), l('@a,1 @b,2')), 'diverged');
    expect(conflict.commonAncestor).toEqual(version('@b,2'));
    expect(conflict.senderOnly).toEqual([]);
    expect(conflict.receiverOnly).toEqual(l('@c,3'));
  });

  it('reports most-recent-already-present when both sides have the same history', () => {
    const conflict = conflictOf(incrementalPath(l('@a,1 @b,2'), l('@a,1 @b,2')), 'most-recent-already-present');
    expect(conflict.commonAncestor).toEqual(version('@b,2'));
    expect(conflict.message).toContain('@b (guid 2, txg 2)');
  });

  it('reports most-recent-already-present when the receiver has only the newest snapshot', () => {
    const conflict = conflictOf(incrementalPath(l('@c,3'), l('@a,1 @b,2 @c,3')), 'most-recent-already-present');
    expect(conflict.commonAncestor).toEqual(version('@c,3'));
    expect(conflict.sortedSenderVersions).toEqual(l('@a,1 @b,2 @c,3'));
  });

  it('reports most-recent-already-present when only bookmarks are newer on the sender', () => {
    conflictOf(incrementalPath(l('@a,1'), l('@a,1 #b,2 #c,3')), 'most-recent-already-present');
  });

  it('reports no-sender-snapshots when both sides are empty', () => {
    const conflict = conflictOf(incrementalPath([], []), 'no-sender-snapshots');
    expect(conflict.message).toMatch(/no snapshots/);
  });

  it('reports no-sender-snapshots when only the receiver has snapshots', () => {
    conflictOf(incrementalPath(l('@a,1'), []), 'no-sender-snapshots');
  });

  it('reports no-sender-snapshots when the sender has only bookmarks, and lists them', () => {
    const conflict = conflictOf(incrementalPath(l('@a,1'), l('#a,1 #b,2')), 'no-sender-snapshots');
    expect(conflict.message).toContain('#b (guid 2, txg 2)');
  });
});

describe('incrementalPath and bookmarks', () => {
  it('starts at a sender bookmark when the sender no longer has the snapshot', () => {
    expect(pathOf(incrementalPath(l('@a,1'), l('#a,1 @b,2')))).toEqual(l('#a,1 @b,2'));
  });

  it('leaves later sender bookmarks out of the path', () => {
    expect(pathOf(incrementalPath(l('@a,1'), l('#a,1 #b,2 @c,3')))).toEqual(l('#a,1 @c,3'));
    expect(pathOf(incrementalPath(l('@a,1'), l('@a,1 #b,2 @c,3 #d,4 @e,5')))).toEqual(l('@a,1 @c,3 @e,5'));
  });

  it('prefers the sender snapshot over a bookmark with the same guid, in either input order', () => {
    expect(pathOf(incrementalPath(l('@a,1'), l('#a,1 @a,1 @b,2')))).toEqual(l('@a,1 @b,2'));
    expect(pathOf(incrementalPath(l('@a,1'), l('@a,1 #a,1 @b,2')))).toEqual(l('@a,1 @b,2'));
  });

  it('prefers the snapshot even when the same-guid bookmark is named differently', () => {
    expect(pathOf(incrementalPath(l('@a,1'), l('#cursor,1 @a,1 @b,2')))).toEqual(l('@a,1 @b,2'));
  });

  it('ignores receiver bookmarks newer than the common ancestor', () => {
    expect(pathOf(incrementalPath(l('@a,1 #b,2'), l('@a,1 @c,3')))).toEqual(l('@a,1 @c,3'));
  });

  it('does not use a receiver bookmark as a common ancestor, and leaves it out of the conflict', () => {
    const conflict = conflictOf(incrementalPath(l('#a,1'), l('@a,1 @b,2')), 'no-common-ancestor');
    expect(conflict.sortedReceiverVersions).toEqual([]);
  });

  it('sorts a bookmark before a snapshot of the same txg', () => {
    const conflict = conflictOf(incrementalPath(l('@x,9'), l('@a,1 #a,1')), 'no-common-ancestor');
    expect(conflict.sortedSenderVersions).toEqual(l('#a,1 @a,1'));
  });
});

describe('incrementalPath on odd input', () => {
  it('does not throw on duplicate guids', () => {
    const result = incrementalPath(l('@a,1 @a2,2,1'), l('@a,1 @b,2,1 @c,3'));
    expect(pathOf(result)).toEqual(l('@b,2,1 @c,3'));
  });

  it('keeps a strictly increasing path when two sender snapshots share a txg', () => {
    const path = pathOf(incrementalPath(l('@a,1'), l('@a,1 @b,2,20 @c,2,30 @d,3')));
    expect(path.map((v) => v.name)).toEqual(['a', 'c', 'd']);
  });
});

// ---- properties ----

const guidArb = fc.bigInt({ min: 1n, max: 6n });
const oddVersionArb: fc.Arbitrary<FilesystemVersion> = fc.record({
  type: fc.constantFrom('snapshot' as const, 'bookmark' as const),
  name: fc.constantFrom('a', 'b', 'c', 'd'),
  guid: guidArb,
  createTxg: fc.bigInt({ min: 0n, max: 6n }),
  creation: fc.constantFrom(new Date(0), new Date(1000), new Date(Number.NaN)),
});

/**
 * A realistic pair of histories: one global timeline of snapshots (unique txg and guid); the
 * sender keeps some of them, some as bookmarks, some as both; the receiver has a subset of the
 * timeline (possibly with its own extra snapshots) and some bookmarks.
 */
const historiesArb = fc
  .array(fc.record({ onSender: fc.constantFrom('snapshot', 'bookmark', 'both', 'none'), onReceiver: fc.constantFrom('snapshot', 'bookmark', 'none') }), {
    minLength: 0,
    maxLength: 12,
  })
  .chain((timeline) =>
    fc.record({
      timeline: fc.constant(timeline),
      receiverExtras: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 3 }),
    }),
  )
  .map(({ timeline, receiverExtras }) => {
    const sender: FilesystemVersion[] = [];
    const receiver: FilesystemVersion[] = [];
    timeline.forEach((slot, i) => {
      const snap: FilesystemVersion = { type: 'snapshot', name: `s${i}`, guid: BigInt(1000 + i), createTxg: BigInt(10 * i + 10), creation: new Date(0) };
      const book: FilesystemVersion = { ...snap, type: 'bookmark', name: `b${i}` };
      if (slot.onSender === 'snapshot' || slot.onSender === 'both') sender.push(snap);
      if (slot.onSender === 'bookmark' || slot.onSender === 'both') sender.push(book);
      if (slot.onReceiver === 'snapshot') receiver.push(snap);
      if (slot.onReceiver === 'bookmark') receiver.push(book);
    });
    // Receiver-only snapshots: guids the sender never had, at txgs between the timeline's.
    receiverExtras.forEach((at, j) => {
      receiver.push({ type: 'snapshot', name: `r${j}`, guid: BigInt(5000 + j), createTxg: BigInt(10 * at + 5 + j), creation: new Date(0) });
    });
    return { sender, receiver };
  });

function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((x, y) => x.key - y.key || x.i - y.i)
    .map(({ item }) => item);
}

describe('incrementalPath properties', () => {
  it('an incremental path is strictly increasing in createTxg, starts at a shared guid and ends at the sender newest snapshot', () => {
    fc.assert(
      fc.property(historiesArb, ({ sender, receiver }) => {
        const result = incrementalPath(receiver, sender);
        if (!result.ok) return;
        const { path } = result;
        expect(path.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < path.length; i++) {
          expect(path[i]!.createTxg).toBeGreaterThan(path[i - 1]!.createTxg);
          expect(path[i]!.type).toBe('snapshot');
        }
        const start = path[0]!;
        expect(sender).toContainEqual(start);
        expect(receiver.some((v) => v.type === 'snapshot' && v.guid === start.guid)).toBe(true);
        const senderSnapshots = sender.filter((v) => v.type === 'snapshot');
        const newest = senderSnapshots.reduce((a, b) => (b.createTxg > a.createTxg ? b : a));
        expect(path[path.length - 1]).toEqual(newest);
        // Every element after the start is a sender snapshot.
        for (const v of path.slice(1)) expect(senderSnapshots).toContainEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a path exactly when the receiver newest snapshot is on the sender and older than its newest', () => {
    fc.assert(
      fc.property(historiesArb, ({ sender, receiver }) => {
        const result = incrementalPath(receiver, sender);
        const receiverSnapshots = receiver.filter((v) => v.type === 'snapshot');
        const senderSnapshots = sender.filter((v) => v.type === 'snapshot');
        const newestOf = (vs: FilesystemVersion[]) => vs.reduce<FilesystemVersion | undefined>((a, b) => (a === undefined || b.createTxg > a.createTxg ? b : a), undefined);
        const receiverNewest = newestOf(receiverSnapshots);
        const senderNewest = newestOf(senderSnapshots);
        const expectPath =
          receiverNewest !== undefined &&
          senderNewest !== undefined &&
          sender.some((v) => v.guid === receiverNewest.guid) &&
          senderNewest.createTxg > receiverNewest.createTxg;
        expect(result.ok).toBe(expectPath);
        if (!result.ok && senderNewest === undefined) expect(result.conflict.kind).toBe('no-sender-snapshots');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.array(oddVersionArb, { maxLength: 8 }), fc.array(oddVersionArb, { maxLength: 8 }), (receiver, sender) => {
        const result = incrementalPath(receiver, sender);
        if (result.ok) expect(result.path.length).toBeGreaterThanOrEqual(2);
        else expect(result.conflict.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(
        fc.array(oddVersionArb, { maxLength: 8 }),
        fc.array(oddVersionArb, { maxLength: 8 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 8 }),
        (receiver, sender, receiverKeys, senderKeys) => {
          const original = incrementalPath(receiver, sender);
          const reordered = incrementalPath(shuffled(receiver, receiverKeys), shuffled(sender, senderKeys));
          expect(reordered).toEqual(original);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('does not modify its input lists', () => {
    fc.assert(
      fc.property(fc.array(oddVersionArb, { maxLength: 6 }), fc.array(oddVersionArb, { maxLength: 6 }), (receiver, sender) => {
        const before = [structuredClone(receiver), structuredClone(sender)];
        incrementalPath(receiver, sender);
        expect([receiver, sender]).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});
