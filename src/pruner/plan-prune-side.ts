import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
import type { ForeignCursor } from '../endpoint/endpoint.js';
import type { KeepRule, PruneSnapshot } from '../pruning/keep-rule.js';
import { pruneSnapshots } from '../pruning/prune-snapshots.js';
import { permanentProblem, type Problem } from '../replication/problem.js';

/** Which side a pruner works on. */
export type PruneSide = 'sender' | 'receiver';

/** What a pruner lists before it plans: every filesystem of its side with versions, and the sender's cursors. */
export interface PruneListing {
  filesystems: { path: string; placeholder: boolean; versions: ListedVersion[] }[];
  /** The job's replication cursors; present on the sender side only. */
  cursors?: ReadonlyMap<string, FilesystemVersion> | undefined;
  /**
   * The other side's versions per filesystem (in the sender's namespace), when it could be listed:
   * the receiver's for the sender's pruner, the sender's for the receiver's. Absent when the other
   * side did not answer; the sender's pruner then trusts its cursor alone.
   */
  peerVersions?: ReadonlyMap<string, readonly FilesystemVersion[]> | undefined;
  /** Other jobs' replication cursors on this side, per filesystem. */
  foreignCursors?: ReadonlyMap<string, readonly ForeignCursor[]> | undefined;
  /**
   * Sender only: per filesystem, the newest snapshot this invocation's replication put on the
   * receiver. The job knows it even when the cursor could not follow (a watchdog cancel stops the
   * cursor move), so a cancelled run's newest common snapshot is never pruned.
   */
  received?: ReadonlyMap<string, FilesystemVersion> | undefined;
}

/** A snapshot the pruner will not destroy although the rules would, and why. */
export interface ProtectedSnapshot {
  name: string;
  /**
   * `held`: it has user holds. `incremental base`: the job's cursor (sender) or the newest snapshot
   * (receiver). `newest common`: the newest snapshot both sides have, which the next incremental
   * starts from. `cursor of another job`: another job's replication cursor marks it.
   */
  reason: 'held' | 'incremental base' | 'newest common' | 'cursor of another job';
  /** With `cursor of another job`: that job's name. */
  job?: string | undefined;
}

/** The pruning plan of one filesystem, and what became of it. */
export interface PruneFilesystemPlan {
  filesystem: string;
  /** What the rules destroy, minus protected snapshots, oldest first. */
  destroy: string[];
  protected: ProtectedSnapshot[];
  /** Snapshots kept, each with the indices of the rules that keep it (for dry runs). */
  kept: { name: string; keptBy: number[] }[];
  /** Still to destroy (shrinks as the pruner works). */
  pending: string[];
  destroyed: string[];
  problem?: Problem | undefined;
}

interface Candidate extends PruneSnapshot {
  version: ListedVersion;
}

/** The newest of `ours` whose guid `theirs` has (of the types `theirs` may count), or undefined. */
function newestShared(ours: readonly ListedVersion[], theirs: readonly FilesystemVersion[] | undefined, types: ReadonlySet<string>): ListedVersion | undefined {
  if (theirs === undefined) return undefined;
  const guids = new Set(theirs.filter((v) => types.has(v.type)).map((v) => v.guid));
  return ours.reduce<ListedVersion | undefined>((a, s) => (guids.has(s.guid) && (!a || s.createTxg > a.createTxg) ? s : a), undefined);
}

/**
 * Each other job's cursor snapshot among this filesystem's versions: per job the newest version
 * its cursors name (older marks are stale leftovers that go with their snapshots), and the
 * snapshot of that guid. A cursor bookmark whose snapshot is gone protects nothing here.
 */
function foreignCursorSnapshots(versions: readonly ListedVersion[], cursors: readonly ForeignCursor[] | undefined): Map<bigint, string> {
  const byJob = new Map<string, ListedVersion>();
  for (const c of cursors ?? []) {
    for (const v of versions) {
      if (v.guid !== c.guid) continue;
      const best = byJob.get(c.jobId);
      if (best === undefined || v.createTxg > best.createTxg) byJob.set(c.jobId, v);
    }
  }
  const protectedGuids = new Map<bigint, string>();
  for (const [job, v] of [...byJob].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!protectedGuids.has(v.guid)) protectedGuids.set(v.guid, job);
  }
  return protectedGuids;
}

const SNAPSHOTS_ONLY: ReadonlySet<string> = new Set(['snapshot']);
const ANY_VERSION: ReadonlySet<string> = new Set(['snapshot', 'bookmark']);

/**
 * Plans one side's pruning, per filesystem. On the sender a snapshot counts as replicated when it is
 * at or before the job's replication cursor; a filesystem with snapshots but no cursor gets a problem
 * and loses nothing (never a silent "nothing is replicated"). Whatever the rules say, it never
 * destroys: a held snapshot; the base of the next incremental (the cursor's snapshot on the sender,
 * the newest snapshot on the receiver); the newest snapshot both sides share (from the other side's
 * listing, and on the sender also the newest this invocation received), because without it the
 * next incremental has no base and the filesystem diverges for good; and any snapshot another
 * job's cursor marks, so one job's rules never force another into a full resend. Pure.
 */
export function planPruneSide(
  listing: PruneListing,
  rules: readonly KeepRule[],
  side: PruneSide,
  jobId: string,
  now: number,
): PruneFilesystemPlan[] {
  const plans: PruneFilesystemPlan[] = [];
  for (const fs of [...listing.filesystems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const snapshots = fs.versions.filter((v) => v.type === 'snapshot');
    const plan: PruneFilesystemPlan = { filesystem: fs.path, destroy: [], protected: [], kept: [], pending: [], destroyed: [] };
    plans.push(plan);
    if (fs.placeholder || snapshots.length === 0 || rules.length === 0) {
      plan.kept = snapshots.map((s) => ({ name: s.name, keptBy: [] }));
      continue;
    }
    let base: ListedVersion | undefined;
    let cursor: FilesystemVersion | undefined;
    const common = new Set<bigint>();
    const peer = listing.peerVersions?.get(fs.path);
    if (side === 'sender') {
      cursor = listing.cursors?.get(fs.path);
      if (!cursor) {
        plan.problem = permanentProblem(
          'no-cursor',
          `${fs.path}: no replication cursor of job "${jobId}", so xrepl cannot tell which snapshots the receiver has; destroying none`,
          now,
          fs.path,
        );
        plan.kept = snapshots.map((s) => ({ name: s.name, keptBy: [] }));
        continue;
      }
      base = snapshots.find((s) => s.guid === cursor?.guid);
      // The receiver needs a snapshot to receive an incremental onto; a bookmark there is no base.
      const shared = newestShared(snapshots, peer, SNAPSHOTS_ONLY);
      if (shared) common.add(shared.guid);
      const received = listing.received?.get(fs.path);
      if (received) common.add(received.guid);
    } else {
      base = snapshots.reduce<ListedVersion | undefined>((a, s) => (!a || s.createTxg > a.createTxg ? s : a), undefined);
      // The sender can send from a bookmark as well as from a snapshot.
      const shared = newestShared(snapshots, peer, ANY_VERSION);
      if (shared) common.add(shared.guid);
    }
    const foreign = foreignCursorSnapshots(fs.versions, listing.foreignCursors?.get(fs.path));
    const candidates: Candidate[] = snapshots.map((v) => ({
      name: v.name,
      date: v.creation,
      replicated: side === 'receiver' || (cursor !== undefined && v.createTxg <= cursor.createTxg),
      version: v,
    }));
    for (const c of pruneSnapshots(candidates, rules)) {
      const otherJob = foreign.get(c.version.guid);
      if (c.version.userRefs > 0) plan.protected.push({ name: c.name, reason: 'held' });
      else if (base && c.version.guid === base.guid) plan.protected.push({ name: c.name, reason: 'incremental base' });
      else if (common.has(c.version.guid)) plan.protected.push({ name: c.name, reason: 'newest common' });
      else if (otherJob !== undefined) plan.protected.push({ name: c.name, reason: 'cursor of another job', job: otherJob });
      else plan.destroy.push(c.name);
    }
    const perRule = rules.map((r) => new Set(r.destroyList(candidates).map((c) => c.name)));
    const destroying = new Set(plan.destroy);
    plan.kept = candidates
      .filter((c) => !destroying.has(c.name))
      .map((c) => ({ name: c.name, keptBy: perRule.flatMap((destroys, i) => (destroys.has(c.name) ? [] : [i])) }));
    plan.pending = [...plan.destroy];
  }
  return plans;
}
