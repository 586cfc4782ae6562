/**
 * Snapshot names of the periodic snapshotter: the configured prefix and a dense UTC timestamp
 * (zrepl's default format), e.g. `xrepl_20261126_093000_000`.
 */

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The dense UTC timestamp `YYYYMMDD_HHMMSS_mmm` of a moment, so that names sort by time. */
export function formatSnapshotTimestamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('snapshot timestamp: invalid date');
  const date = `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}`;
  const time = `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}`;
  return `${date}_${time}_${pad(at.getUTCMilliseconds(), 3)}`;
}

/** The name of a snapshot taken at `at` with the given prefix: `<prefix><timestamp>`. */
export function periodicSnapshotName(prefix: string, at: Date): string {
  if (prefix === '') throw new RangeError('snapshot prefix: must not be empty');
  return `${prefix}${formatSnapshotTimestamp(at)}`;
}
