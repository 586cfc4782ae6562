/**
 * `xrepl check snapshots`, a monitoring-plugin check (Nagios, Icinga): how old the newest snapshot
 * of each filesystem is on the sender (is the snapshotter working?) and on the receiver (the
 * replication lag). Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one line, then perfdata.
 */

/** The monitoring-plugin states, as exit codes. */
export const CHECK_OK = 0;
export const CHECK_WARNING = 1;
export const CHECK_CRITICAL = 2;
export const CHECK_UNKNOWN = 3;

/** One filesystem on one side: when its newest snapshot was created (absent: it has none). */
export interface SnapshotAgeRow {
  filesystem: string;
  side: 'sender' | 'receiver';
  newestAt?: number | undefined;
}

/** Thresholds of the check, in ms. */
export interface AgeThresholds {
  warningMs: number;
  criticalMs: number;
}

/** The check's verdict. */
export interface CheckResult {
  code: 0 | 1 | 2 | 3;
  /** `XREPL SNAPSHOTS OK - ... | perfdata`. */
  line: string;
}

const NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

// Perfdata labels are quoted; a quote inside is doubled, as the plugin guidelines say.
const label = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Grades every row against the thresholds; the worst row decides. No rows is UNKNOWN. */
export function checkSnapshotAges(job: string, rows: readonly SnapshotAgeRow[], now: number, thresholds: AgeThresholds): CheckResult {
  if (rows.length === 0) return { code: CHECK_UNKNOWN, line: `XREPL SNAPSHOTS UNKNOWN - job ${job}: no filesystem to check` };
  let code: CheckResult['code'] = CHECK_OK;
  const bad: string[] = [];
  const perf: string[] = [];
  let oldest = 0;
  for (const row of rows) {
    const ms = row.newestAt === undefined ? undefined : Math.max(0, now - row.newestAt);
    const grade = ms === undefined || ms >= thresholds.criticalMs ? CHECK_CRITICAL : ms >= thresholds.warningMs ? CHECK_WARNING : CHECK_OK;
    if (grade > code) code = grade;
    if (ms !== undefined) oldest = Math.max(oldest, ms);
    if (grade !== CHECK_OK) bad.push(`${row.side} ${row.filesystem} ${ms === undefined ? 'has no snapshot' : `newest ${age(ms)} old`}`);
    if (ms !== undefined) perf.push(`${label(`${row.side}:${row.filesystem}`)}=${Math.round(ms / 1000)}s;${Math.round(thresholds.warningMs / 1000)};${Math.round(thresholds.criticalMs / 1000)};0`);
  }
  const summary =
    bad.length > 0
      ? `${bad.length} of ${rows.length} too old: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', ...' : ''}`
      : `${rows.length} filesystem side(s), oldest newest snapshot ${age(oldest)} old`;
  return { code, line: `XREPL SNAPSHOTS ${NAMES[code]} - job ${job}: ${summary}${perf.length > 0 ? ` | ${perf.join(' ')}` : ''}` };
}
