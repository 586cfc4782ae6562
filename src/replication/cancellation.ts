import type { FilesystemEntry } from './filesystem-entry.js';
import { permanentProblem, type Problem } from './problem.js';

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
