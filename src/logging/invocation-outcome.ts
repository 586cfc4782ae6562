/**
 * What one finished invocation did, as log lines: a summary, then a line per filesystem that
 * transferred, failed, or had snapshots destroyed or protected. Pure, so that the wording is
 * tested without a logger.
 */
import { formatBytes } from '../progress/format-units.js';
import type { FilesystemReport, InvocationReport, PrunerReport } from '../report/job-report.js';

/** One line to log. */
export interface OutcomeLine {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

function transfersOf(fs: FilesystemReport): number {
  return fs.completedSteps.filter((s) => s.kind === 'transfer').length;
}

function outcomeWord(invocation: InvocationReport): string {
  if (invocation.reset === true) return 'reset';
  if (invocation.watchdog !== undefined && invocation.watchdog.length > 0) return 'cancelled by the watchdog';
  return invocation.ok ? 'completed' : 'failed';
}

function seconds(invocation: InvocationReport): number | undefined {
  if (invocation.finishedAt === undefined) return undefined;
  return (Date.parse(invocation.finishedAt) - Date.parse(invocation.startedAt)) / 1000;
}

function pruneSummary(pruner: PrunerReport | undefined): string | undefined {
  if (pruner === undefined) return undefined;
  const destroyed = pruner.filesystems.reduce((n, f) => n + f.destroyed.length, 0);
  const kept = pruner.filesystems.reduce((n, f) => n + f.protected.length, 0);
  const failed = pruner.filesystems.filter((f) => f.problem !== undefined).length + (pruner.problem !== undefined ? 1 : 0);
  return `${pruner.side} pruning destroyed ${destroyed}${kept > 0 ? `, protected ${kept}` : ''}${failed > 0 ? `, ${failed} failed` : ''}`;
}

/** The log lines of one finished invocation of the named job. */
export function invocationOutcomeLines(job: string, invocation: InvocationReport): OutcomeLine[] {
  const filesystems = invocation.replication?.filesystems ?? [];
  const transfers = filesystems.reduce((n, fs) => n + transfersOf(fs), 0);
  const bytes = filesystems.reduce((n, fs) => n + fs.bytes, 0);
  const failed = filesystems.filter((fs) => fs.state === 'permanentError');
  const took = seconds(invocation);
  const parts = [
    `${filesystems.filter((fs) => transfersOf(fs) > 0).length} filesystem(s) replicated (${transfers} transfer(s), ${formatBytes(bytes)})`,
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
    ...(invocation.replication?.problem ? [`replication: ${invocation.replication.problem.message}`] : []),
    ...[pruneSummary(invocation.pruneSender), pruneSummary(invocation.pruneReceiver)].filter((s): s is string => s !== undefined),
  ];
  const lines: OutcomeLine[] = [
    {
      level: invocation.ok ? 'info' : 'warn',
      fields: { job, invocation: invocation.number, outcome: outcomeWord(invocation), seconds: took, transfers, bytes, failed: failed.length },
      message: `job ${job}: invocation ${invocation.number} ${outcomeWord(invocation)}${took !== undefined ? ` after ${took.toFixed(1)} s` : ''}: ${parts.join('; ')}`,
    },
  ];
  for (const cancel of invocation.watchdog ?? []) {
    const running = cancel.cancelled === 'replication' ? filesystems.filter((fs) => fs.problem?.kind === 'watchdog' || fs.problem?.kind === 'cancelled').map((fs) => fs.filesystem) : [];
    lines.push({
      level: 'warn',
      fields: { job, invocation: invocation.number, cancelled: cancel.cancelled, running },
      message: `job ${job}: the watchdog cancelled ${cancel.cancelled}: ${cancel.message}${running.length > 0 ? `; it was running ${running.join(', ')}` : ''}`,
    });
  }
  for (const fs of filesystems) {
    const n = transfersOf(fs);
    if (n === 0 && fs.problem === undefined && fs.attempts <= 1) continue;
    const lastError = fs.problem?.lastError ?? fs.problem;
    lines.push({
      level: fs.problem !== undefined ? 'warn' : 'info',
      fields: { job, filesystem: fs.filesystem, state: fs.state, transfers: n, bytes: fs.bytes, attempts: fs.attempts, ...(fs.problem ? { problem: fs.problem } : {}) },
      message: `${fs.filesystem}: ${fs.state}, ${n} transfer(s), ${formatBytes(fs.bytes)}, ${fs.attempts} attempt(s)${lastError ? `; ${lastError === fs.problem ? 'error' : 'last error'}: ${lastError.message}` : ''}`,
    });
  }
  for (const pruner of [invocation.pruneSender, invocation.pruneReceiver]) {
    for (const f of pruner?.filesystems ?? []) {
      if (f.destroyed.length === 0 && f.protected.length === 0 && f.problem === undefined) continue;
      const kept = f.protected.map((p) => `${p.name} (${p.reason})`);
      lines.push({
        level: f.problem !== undefined ? 'warn' : 'info',
        fields: { job, filesystem: f.filesystem, side: pruner?.side, destroyed: f.destroyed, protected: f.protected, ...(f.problem ? { problem: f.problem } : {}) },
        message: `${f.filesystem}: ${pruner?.side ?? ''} pruning destroyed ${f.destroyed.length > 0 ? f.destroyed.join(', ') : 'nothing'}${kept.length > 0 ? `; protected ${kept.join(', ')}` : ''}${f.problem ? `; error: ${f.problem.message}` : ''}`,
      });
    }
  }
  return lines;
}
