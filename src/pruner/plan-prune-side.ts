import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
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
}

/** A snapshot the pruner will not destroy although the rules would, and why. */
export interface ProtectedSnapshot {
  name: string;
  reason: 'held' | 'incremental base';
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

/**
 * Plans one side's pruning, per filesystem. On the sender a snapshot counts as replicated when it is
 * at or before the job's replication cursor; a filesystem with snapshots but no cursor gets a problem
 * and loses nothing (never a silent "nothing is replicated"). On both sides a held snapshot and the
 * base of the next incremental (the cursor's snapshot on the sender, the newest snapshot on the
 * receiver) are never destroyed. Pure.
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
    } else {
      base = snapshots.reduce<ListedVersion | undefined>((a, s) => (!a || s.createTxg > a.createTxg ? s : a), undefined);
    }
    const candidates: Candidate[] = snapshots.map((v) => ({
      name: v.name,
      date: v.creation,
      replicated: side === 'receiver' || (cursor !== undefined && v.createTxg <= cursor.createTxg),
      version: v,
    }));
    for (const c of pruneSnapshots(candidates, rules)) {
      if (c.version.userRefs > 0) plan.protected.push({ name: c.name, reason: 'held' });
      else if (base && c.version.guid === base.guid) plan.protected.push({ name: c.name, reason: 'incremental base' });
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
