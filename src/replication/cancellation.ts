import { EntryTable } from './entry-table.js';
import type { FilesystemEntry, PlannedStep } from './filesystem-entry.js';
import { permanentProblem, type Problem } from './problem.js';
import { workOf, type ReplicationWork } from './replication-work.js';

/**
 * The problem of a part cancelled while it ran (`what` is `replication` or `pruning`): the reason,
 * and the last error of what was being retried, which a watchdog cancel would otherwise hide (a
 * retry loop that outlasts the watchdog is cancelled, and the report must still say what failed).
 */
export function cancellationProblem(what: string, reason: string, at: number, lastError?: Problem, dataset?: string): Problem {
  // An earlier cancellation is no error of what was retried: keep what it kept.
  const last = lastError?.kind === 'cancelled' ? lastError.lastError : lastError;
  const problem = permanentProblem('cancelled', `${what} cancelled: ${reason}${last ? `; last error: ${last.message}` : ''}`, at, dataset);
  return last ? { ...problem, lastError: last } : problem;
}

/**
 * The newest error of what a replication run was retrying when it was cancelled: planning's own,
 * else the newest of the filesystems still being tried (running again, or waiting for a retry).
 */
export function lastRetriedError(planning: Problem | undefined, entries: readonly FilesystemEntry[]): Problem | undefined {
  if (planning) return planning;
  let newest: Problem | undefined;
  for (const e of entries) {
    if ((e.status !== 'active' && e.status !== 'retryWait') || !e.problem) continue;
    if (!newest || e.problem.at > newest.at) newest = e.problem;
  }
  return newest;
}

/**
 * A replication run cancelled: the running filesystems end cancelled, not forever active, and keep
 * what their steps had done (`liveSteps`: a running machine's steps, bytes so far and steps
 * received, where it has them), not the plan they started from. The run's own problem keeps the
 * last error of what it retried.
 */
export function cancelWork(
  work: ReplicationWork,
  planningProblem: Problem | undefined,
  reason: string,
  now: number,
  liveSteps: (path: string) => PlannedStep[] | undefined,
): { work: ReplicationWork; problem: Problem } {
  const problem = cancellationProblem('replication', reason, now, lastRetriedError(planningProblem, work.entries.toArray()));
  const entries =
    work.active > 0
      ? EntryTable.from(
          work.entries
            .toArray()
            .map((e) =>
              e.status === 'active'
                ? { ...e, steps: liveSteps(e.path) ?? e.steps, status: 'permanentError' as const, problem: cancellationProblem('replication', reason, now, e.problem, e.path) }
                : e,
            ),
        )
      : work.entries;
  return { work: { ...workOf(work), entries, active: 0, released: new Set() }, problem };
}
