import { compareVersions, type FilesystemVersion } from '../domain/version.js';

/**
 * A total order on versions: {@link compareVersions} (createTxg, a bookmark before a snapshot of
 * the same txg, then name), then guid, then creation time. The extra keys only matter for input
 * that ZFS cannot produce (two versions alike in txg, type and name); they make planning
 * independent of the order in which an endpoint happened to list the versions.
 */
export function compareVersionsTotally(a: FilesystemVersion, b: FilesystemVersion): number {
  const byDomainOrder = compareVersions(a, b);
  if (byDomainOrder !== 0) return byDomainOrder;
  if (a.guid !== b.guid) return a.guid < b.guid ? -1 : 1;
  return compareTimes(a.creation.getTime(), b.creation.getTime());
}

/** Orders epoch milliseconds, an invalid date (NaN) first, so the order stays total. */
function compareTimes(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(!Number.isNaN(a)) - Number(!Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted copy of the versions, oldest first, in the order of {@link compareVersionsTotally}. */
export function sortVersions(versions: readonly FilesystemVersion[]): FilesystemVersion[] {
  return [...versions].sort(compareVersionsTotally);
}
