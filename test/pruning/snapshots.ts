import type { PruneSnapshot } from '../../src/pruning/keep-rule.js';

/** A base time for test snapshots, so dates read as offsets. */
export const T0 = Date.UTC(2024, 0, 1);

/** A snapshot `offsetMs` after T0. */
export function snap(name: string, offsetMs = 0, replicated = false): PruneSnapshot {
  return { name, date: new Date(T0 + offsetMs), replicated };
}

/** The names of snapshots, for comparing lists. */
export function names(snaps: readonly PruneSnapshot[]): string[] {
  return snaps.map((s) => s.name);
}

/** The names of snapshots as a sorted list, for comparing sets. */
export function nameSet(snaps: readonly PruneSnapshot[]): string[] {
  return names(snaps).sort();
}

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
