import type { InvocationReport, JobReport, PrunerReport, ReplicationReport } from '../report/job-report.js';
import { printableLine } from '../domain/printable-text.js';
import { formatBytes } from '../progress/format-units.js';
import type { SnapshotResult } from './take-snapshots.js';

/** One job's outcome in `xrepl run --once`. */
export interface RunJobResult {
  job: string;
  /** True when the snapshot (if any), the replication and both prunes completed without a problem. */
  ok: boolean;
  /** Present for periodic jobs. */
  snapshotting?: SnapshotResult | undefined;
  /** Absent when the job could not be built (e.g. its endpoints could not be created). */
  report?: JobReport | undefined;
  /** Invocations before the last one, when a run made several (the demo). */
  earlier?: InvocationReport[] | undefined;
  /** Why the job could not run at all. */
  error?: string | undefined;
}

/** What `xrepl run --once --json` prints. */
export interface RunResult {
  ok: boolean;
  jobs: RunJobResult[];
}

/**
 * Text from zfs, ssh, a remote host or the configuration, as the report shows it: every control
 * character escaped, so that nothing in a message or a dataset property can drive the terminal.
 */
const p = (text: string | undefined): string => printableLine(text ?? '');

/** The human-readable final report of `xrepl run --once`. */
export function formatRunResult(result: RunResult): string {
  const lines: string[] = [];
  for (const job of result.jobs) lines.push(...formatJob(job), '');
  lines.push(result.ok ? 'all jobs completed' : `FAILED: ${result.jobs.filter((j) => !j.ok).map((j) => p(j.job)).join(', ')}`);
  return lines.join('\n');
}

function formatJob(result: RunJobResult): string[] {
  const invocation = result.report?.last ?? result.report?.current;
  const lines = [`job ${p(result.job)}: ${result.ok ? 'completed' : 'FAILED'}${invocation ? duration(invocation) : ''}`];
  const snap = result.snapshotting;
  if (snap !== undefined) {
    lines.push(
      snap.error !== undefined
        ? `  snapshots: FAILED: ${p(snap.error)}`
        : `  snapshots: @${p(snap.snapshot)} on ${snap.filesystems.length} filesystem(s)`,
    );
  }
  if (result.error !== undefined) lines.push(`  error: ${p(result.error)}`);
  if (result.report?.problem !== undefined) lines.push(`  problem: ${p(result.report.problem.kind)}: ${p(result.report.problem.message)}`);
  if (invocation === undefined) return [...lines, '  (no invocation ran)'];
  const all = [...(result.earlier ?? []), invocation];
  for (const inv of all) {
    if (all.length > 1) lines.push(`  invocation #${inv.number}: ${inv.ok ? 'completed' : 'did not complete'}${duration(inv)}`);
    lines.push(...formatInvocation(inv).map((line) => (all.length > 1 ? `  ${line}` : line)));
  }
  return lines;
}

function formatInvocation(invocation: InvocationReport): string[] {
  const lines: string[] = [];
  if (invocation.reset) lines.push('  the invocation was reset');
  for (const w of invocation.watchdog ?? []) lines.push(`  watchdog: cancelled ${p(w.cancelled)} at ${p(w.at)}: ${p(w.message)}`);
  lines.push(...formatReplication(invocation.replication));
  lines.push(...formatPruner('prune sender', invocation.pruneSender));
  lines.push(...formatPruner('prune receiver', invocation.pruneReceiver));
  return lines;
}

function duration(invocation: InvocationReport): string {
  if (invocation.finishedAt === undefined) return '';
  const ms = Date.parse(invocation.finishedAt) - Date.parse(invocation.startedAt);
  return Number.isFinite(ms) ? ` in ${(ms / 1000).toFixed(1)} s` : '';
}

function formatReplication(replication: ReplicationReport | undefined): string[] {
  if (replication === undefined) return ['  replication: did not run'];
  const lines = [`  replication: ${replication.state}${replication.problem ? `: ${p(replication.problem.message)}` : ''}`];
  const width = Math.min(40, Math.max(10, ...replication.filesystems.map((fs) => fs.filesystem.length)));
  for (const fs of replication.filesystems) {
    const steps = fs.completedSteps.filter((s) => s.kind === 'transfer').length;
    const parts = [`    ${p(fs.filesystem).padEnd(width)}  ${fs.state.padEnd(14)}`];
    if (steps > 0 || fs.bytes > 0) parts.push(`${steps} transfer(s), ${formatBytes(fs.bytes)}`);
    if (fs.attempts > 1) parts.push(`${fs.attempts} attempts`);
    if (fs.problem !== undefined) parts.push(`${fs.problem.errorClass} ${p(fs.problem.kind)}: ${p(fs.problem.message)}`);
    lines.push(parts.join('  '));
  }
  return lines;
}

function formatPruner(label: string, pruner: PrunerReport | undefined): string[] {
  if (pruner === undefined) return [`  ${label}: did not run`];
  const destroyed = pruner.filesystems.flatMap((fs) => fs.destroyed.map((name) => `${p(fs.filesystem)}@${p(name)}`));
  const lines = [`  ${label}: ${pruner.state}, destroyed ${destroyed.length} snapshot(s)${pruner.problem ? `: ${p(pruner.problem.message)}` : ''}`];
  for (const name of destroyed) lines.push(`    destroyed ${name}`);
  for (const fs of pruner.filesystems) {
    for (const kept of fs.protected) lines.push(`    kept ${p(fs.filesystem)}@${p(kept.name)}: ${p(kept.reason)}`);
    if (fs.problem !== undefined) lines.push(`    ${p(fs.filesystem)}: ${p(fs.problem.kind)}: ${p(fs.problem.message)}`);
  }
  return lines;
}
