import type { DaemonJobReport } from '../control/control-protocol.js';
import { printableLine } from '../domain/printable-text.js';
import { describeBlockedOn } from '../report/describe-blocked-on.js';

/** One row of the status view: a job's headline, or a filesystem's transfer with its bar. */
export type StatusRow =
  | { key: string; kind: 'job'; text: string }
  | { key: string; kind: 'filesystem'; text: string; bytes: number; expectedBytes: number | undefined };

/**
 * Turns the daemon's reports into the rows `xrepl status` shows (plain data, so it is testable).
 * Every row is one line with control characters escaped: problems quote zfs and ssh output, and
 * dataset names may hold anything zfs allows, none of which may steer the terminal.
 */
export function statusRows(reports: readonly DaemonJobReport[]): StatusRow[] {
  const rows: StatusRow[] = [];
  const push = (row: StatusRow): void => {
    rows.push({ ...row, text: printableLine(row.text) });
  };
  for (const report of reports) {
    const parts = [`job ${report.job}: ${report.state}`, `watchdog ${report.watchdog}`];
    if (report.snapshotter) {
      const s = report.snapshotter;
      parts.push(`snapshotter ${s.state}${s.sleepUntil ? ` until ${s.sleepUntil}` : ''}`);
    }
    if (report.sleepUntil) parts.push(`next run ${report.sleepUntil}`);
    if (report.wakeupPending) parts.push('wakeup pending');
    if (report.last) parts.push(`last run #${report.last.number} ${report.last.ok ? 'ok' : 'failed'}`);
    const problem = report.problem ?? report.snapshotter?.problem;
    if (problem) parts.push(`problem: ${problem.message}`);
    push({ key: `job:${report.job}`, kind: 'job', text: parts.join(', ') });
    const replication = report.current?.replication;
    if (!replication) continue;
    push({ key: `replication:${report.job}`, kind: 'job', text: `  replication ${replication.state}${replication.problem ? `: ${replication.problem.message}` : ''}` });
    for (const fs of replication.filesystems) {
      const detail = fs.problem ? ` (${fs.problem.message})` : fs.blockedOn ? ` (waiting for ${describeBlockedOn(fs.blockedOn)})` : '';
      push({
        key: `fs:${report.job}:${fs.filesystem}`,
        kind: 'filesystem',
        text: `  ${fs.filesystem} ${fs.state}${detail}`,
        bytes: fs.bytes,
        expectedBytes: fs.expectedBytes,
      });
    }
  }
  return rows;
}
