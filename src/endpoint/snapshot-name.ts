/**
 * Names of the snapshots xrepl's snapshotter takes: a prefix and, by default, the UTC time down to
 * the millisecond, `xrepl_20261126_093000_000`, so names sort by time and never depend on the
 * machine's time zone. `timestamp_format` chooses another time part (see timestamp-format.ts).
 */
import { formatSnapshotTimestamp, DEFAULT_SNAPSHOT_NAMING, type SnapshotNaming } from '../snapshotter/timestamp-format.js';

const prefixPattern = /^[A-Za-z0-9_\-.:]{1,128}$/;
const timestampPattern = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})_(\d{3})$/;

/** Throws unless the prefix can start a snapshot name. */
export function assertSnapshotPrefix(prefix: string): void {
  if (!prefixPattern.test(prefix)) {
    throw new TypeError(`invalid snapshot prefix ${JSON.stringify(prefix)}: use 1 to 128 letters, digits or "_-.:"`);
  }
}

/** The snapshot name for a prefix and a moment: `<prefix>YYYYMMDD_HHMMSS_mmm` in UTC unless `naming` says otherwise. */
export function snapshotName(prefix: string, at: Date, naming: SnapshotNaming = DEFAULT_SNAPSHOT_NAMING): string {
  assertSnapshotPrefix(prefix);
  return `${prefix}${formatSnapshotTimestamp(at, naming)}`;
}

/** The time encoded in a snapshot name with this prefix, or undefined when the name is not one of them. */
export function parseSnapshotName(prefix: string, name: string): Date | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = timestampPattern.exec(name.slice(prefix.length));
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  date.setUTCFullYear(y);
  // Reject impossible dates (month 13, 31 February) rather than letting Date roll them over.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) {
    return undefined;
  }
  return date;
}
