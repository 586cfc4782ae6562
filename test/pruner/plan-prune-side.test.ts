import { describe, expect, it } from 'vitest';
import type { ListedVersion } from '../../src/domain/version.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { planPruneSide } from '../../src/pruner/plan-prune-side.js';
import { formatPruneDryRun, pruneSideDryRun } from '../../src/cli/prune-dry-run.js';

const snap = (name: string, txg: number, userRefs = 0): ListedVersion => ({
  type: 'snapshot',
  name,
  guid: BigInt(100 + txg),
  createTxg: BigInt(txg),
  creation: new Date(txg * 60_000),
  userRefs,
});
const rules = keepRulesFromConfig([{ type: 'not_replicated' }, { type: 'last_n', count: 1 }]);

describe('planPruneSide', () => {
  it('destroys only replicated snapshots on the sender, and never the cursor snapshot', () => {
    const versions = [snap('a', 1), snap('b', 2), snap('c', 3), snap('d', 4)];
    const [plan] = planPruneSide({ filesystems: [{ path: 'tank/x', placeholder: false, versions }], cursors: new Map([['tank/x', versions[1]!]]) }, keepRulesFromConfig([{ type: 'not_replicated', keep_snapshot_at_cursor: false }, { type: 'last_n', count: 1 }]), 'sender', 'j', 0);
    expect(plan?.destroy).toEqual(['a']);
    expect(plan?.protected).toEqual([{ name: 'b', reason: 'incremental base' }]);
  });

  it('reports a missing cursor as a problem of that filesystem and destroys nothing there, while others are planned', () => {
    const plans = planPruneSide(
      {
        filesystems: [
          { path: 'tank/nocursor', placeholder: false, versions: [snap('a', 1), snap('b', 2)] },
          { path: 'tank/ok', placeholder: false, versions: [snap('a', 1), snap('b', 2), snap('c', 3)] },
        ],
        cursors: new Map([['tank/ok', snap('c', 3)]]),
      },
      rules,
      'sender',
      'myjob',
      0,
    );
    expect(plans[0]?.destroy).toEqual([]);
    expect(plans[0]?.problem?.message).toMatch(/no replication cursor of job "myjob"/);
    expect(plans[1]?.destroy).toEqual(['a', 'b']);
    expect(plans[1]?.problem).toBeUndefined();
  });

  it('never destroys a held snapshot, and says why', () => {
    const versions = [snap('a', 1, 1), snap('b', 2), snap('c', 3)];
    const [plan] = planPruneSide({ filesystems: [{ path: 'tank/x', placeholder: false, versions }], cursors: new Map([['tank/x', versions[2]!]]) }, rules, 'sender', 'j', 0);
    expect(plan?.destroy).toEqual(['b']);
    expect(plan?.protected).toContainEqual({ name: 'a', reason: 'held' });
  });

  it("keeps the receiver's newest snapshot, the base of the next incremental, whatever the rules say", () => {
    const versions = [snap('a', 1), snap('b', 2)];
    const [plan] = planPruneSide({ filesystems: [{ path: 'tank/x', placeholder: false, versions }] }, keepRulesFromConfig([{ type: 'regex', regex: '^keep' }]), 'receiver', 'j', 0);
    expect(plan?.destroy).toEqual(['a']);
    expect(plan?.protected).toEqual([{ name: 'b', reason: 'incremental base' }]);
  });

  it('leaves placeholders alone and destroys nothing without rules', () => {
    const plans = planPruneSide(
      { filesystems: [{ path: 'tank', placeholder: true, versions: [snap('a', 1)] }, { path: 'tank/x', placeholder: false, versions: [snap('a', 1), snap('b', 2)] }] },
      [],
      'receiver',
      'j',
      0,
    );
    expect(plans.map((p) => p.destroy)).toEqual([[], []]);
  });

  it('says which rules keep each kept snapshot', () => {
    const versions = [snap('a', 1), snap('b', 2), snap('c', 3)];
    const [plan] = planPruneSide({ filesystems: [{ path: 'tank/x', placeholder: false, versions }], cursors: new Map([['tank/x', versions[1]!]]) }, rules, 'sender', 'j', 0);
    // c is not replicated (rule 0) and the newest (rule 1); b is kept at the cursor by rule 0.
    expect(plan?.kept).toEqual([
      { name: 'b', keptBy: [0] },
      { name: 'c', keptBy: [0, 1] },
    ]);
  });
});

describe('planPruneSide: chain safety and other jobs', () => {
  const lastOne = keepRulesFromConfig([{ type: 'last_n', count: 1 }]);
  const versions = [snap('a', 1), snap('b', 2), snap('c', 3), snap('d', 4)];
  const fs = [{ path: 'tank/x', placeholder: false, versions }];

  it('on the sender, never destroys the newest snapshot the receiver also has, though the cursor lags', () => {
    const [plan] = planPruneSide({ filesystems: fs, cursors: new Map([['tank/x', versions[0]!]]), peerVersions: new Map([['tank/x', [versions[0]!, versions[2]!]]]) }, lastOne, 'sender', 'j', 0);
    expect(plan?.protected).toContainEqual({ name: 'c', reason: 'newest common' });
    expect(plan?.destroy).toEqual(['b']);
  });

  it('on the sender, never destroys what this invocation received, without a receiver listing', () => {
    const [plan] = planPruneSide({ filesystems: fs, cursors: new Map([['tank/x', versions[0]!]]), received: new Map([['tank/x', versions[1]!]]) }, lastOne, 'sender', 'j', 0);
    expect(plan?.protected).toContainEqual({ name: 'b', reason: 'newest common' });
    expect(plan?.destroy).toEqual(['c']);
  });

  it('on the receiver, never destroys its newest snapshot the sender also has', () => {
    // The receiver has a newer snapshot the sender no longer has (d); c is the last they share.
    const [plan] = planPruneSide({ filesystems: fs, peerVersions: new Map([['tank/x', [versions[2]!]]]) }, lastOne, 'receiver', 'j', 0);
    expect(plan?.protected).toContainEqual({ name: 'c', reason: 'newest common' });
    expect(plan?.destroy).toEqual(['a', 'b']);
  });

  it("never destroys another job's newest cursor snapshot, names the job, and lets that job's stale marks go", () => {
    const foreignCursors = new Map([
      [
        'tank/x',
        [
          { jobId: 'other', guid: versions[0]!.guid, type: 'snapshot' as const, name: 'a' },
          { jobId: 'other', guid: versions[1]!.guid, type: 'snapshot' as const, name: 'b' },
        ],
      ],
    ]);
    const [plan] = planPruneSide({ filesystems: fs, cursors: new Map([['tank/x', versions[3]!]]), foreignCursors }, lastOne, 'sender', 'j', 0);
    expect(plan?.protected).toEqual([{ name: 'b', reason: 'cursor of another job', job: 'other' }]);
    expect(plan?.destroy).toEqual(['a', 'c']);
  });

  it("protects the snapshot an OpenZFS cursor bookmark of another job names, by its guid", () => {
    const bookmark: ListedVersion = { ...versions[1]!, type: 'bookmark', name: 'xrepl_CURSOR_G_0000000000000066_J_other' };
    const foreignCursors = new Map([['tank/x', [{ jobId: 'other', guid: versions[1]!.guid, type: 'bookmark' as const, name: bookmark.name }]]]);
    const [plan] = planPruneSide({ filesystems: [{ ...fs[0]!, versions: [...versions, bookmark] }], cursors: new Map([['tank/x', versions[3]!]]), foreignCursors }, lastOne, 'sender', 'j', 0);
    expect(plan?.protected).toEqual([{ name: 'b', reason: 'cursor of another job', job: 'other' }]);
  });

  it('prune --dry-run shows such a snapshot as protected, and by whom', () => {
    const foreignCursors = new Map([['tank/x', [{ jobId: 'offsite', guid: versions[1]!.guid, type: 'snapshot' as const, name: 'b' }]]]);
    const side = pruneSideDryRun({ filesystems: fs, cursors: new Map([['tank/x', versions[3]!]]), foreignCursors }, [{ type: 'last_n', count: 1 }], 'sender', 'j', 0, 'jobs[0].pruning.keep_sender');
    expect(side.filesystems[0]?.protected).toEqual([{ name: 'b', reason: 'cursor of another job', job: 'offsite' }]);
    expect(formatPruneDryRun('j', [side])).toContain('keep           @b  (the rules would destroy it, but: cursor of another job "offsite")');
  });
});
