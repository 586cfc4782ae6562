import type { SnapshotFrom } from 'xstate';
import type { SnapshotterMachine } from '../../machines/snapshotter.js';

/** The periodic snapshotter's state, JSON-safe (times are ISO strings). */
export interface SnapshotterReport {
  /** `syncUp`, `planning`, `snapshotting`, `waiting`, `errorWait`, or `stopped`. */
  state: string;
  /** When the current sleep ends (`syncUp`, `waiting`, `errorWait`). */
  sleepUntil?: string;
  /** The snapshot being taken (`snapshotting`). */
  snapshot?: string;
  lastSnapshot?: { name: string; filesystems: number; at: string };
  problem?: { message: string; at: string };
  /** The hooks that failed around the last snapshot (fatal ones also make `problem`). */
  hookFailures?: { phase: string; filesystem: string; path: string; fatal: boolean; message: string }[];
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** Builds the report of a snapshotter from its actor's snapshot. */
export function snapshotterReport(snapshot: SnapshotFrom<SnapshotterMachine>): SnapshotterReport {
  const { context } = snapshot;
  const state = snapshot.status === 'active' ? topLevelState(snapshot.value) : 'stopped';
  const report: SnapshotterReport = { state };
  if (context.sleepUntil !== undefined && ['syncUp', 'waiting', 'errorWait'].includes(state)) {
    report.sleepUntil = iso(context.sleepUntil);
  }
  if (state === 'snapshotting' && context.plan) report.snapshot = context.plan.snapshot;
  if (context.lastSnapshot) {
    report.lastSnapshot = {
      name: context.lastSnapshot.name,
      filesystems: context.lastSnapshot.filesystems.length,
      at: iso(context.lastSnapshot.at),
    };
  }
  if (context.hookFailures !== undefined && context.hookFailures.length > 0) {
    report.hookFailures = context.hookFailures.map((f) => ({ phase: f.phase, filesystem: f.filesystem, path: f.path, fatal: f.fatal, message: f.message }));
  }
  if (context.problem) report.problem = { message: context.problem.message, at: iso(context.problem.at) };
  return report;
}

function topLevelState(value: SnapshotFrom<SnapshotterMachine>['value']): string {
  return typeof value === 'string' ? value : (Object.keys(value)[0] ?? 'unknown');
}
