import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { FilesystemContext } from '../../machines/filesystem.js';
import type { Invocation, JobContext, jobMachine } from '../../machines/job.js';
import type { PrunerContext, PrunerMachineOutput, prunerMachine } from '../../machines/pruner.js';
import type { ReplicationContext, ReplicationMachineOutput, replicationMachine } from '../../machines/replication.js';
import { filesystemChildId } from '../../machines/replication.js';
import type { FilesystemVersion } from '../domain/version.js';
import type { PruneFilesystemPlan } from '../pruner/plan-prune-side.js';
import { EntryTable } from '../replication/entry-table.js';
import type { FilesystemEntry, PlannedStep } from '../replication/filesystem-entry.js';
import { initialReplicationBlocker, type EntryIndex } from '../replication/parent-first.js';
import type { Problem } from '../replication/problem.js';
import type {
  BlockedOnReport,
  FilesystemReport,
  InvocationReport,
  JobReport,
  JobState,
  PrunerState,
  ReplicationState,
  WatchdogState,
  ProblemReport,
  PrunerReport,
  ReplicationReport,
  StepReport,
  VersionReport,
} from './job-report.js';

/** The parts of an actor snapshot the report reads; `TValue` is the machine's state value type. */
interface SnapshotLike<TContext, TValue = unknown> {
  value: TValue;
  context: TContext;
  status: string;
  children: Record<string, AnyActorRef | undefined>;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function problemReport(p: Problem | undefined): ProblemReport | undefined {
  return p && definedProblemReport(p);
}

function definedProblemReport(p: Problem): ProblemReport {
  return {
    message: p.message,
    kind: p.kind,
    errorClass: p.errorClass,
    at: new Date(p.at).toISOString(),
    ...(p.lastError ? { lastError: definedProblemReport(p.lastError) } : {}),
  };
}

function versionReport(v: FilesystemVersion): VersionReport {
  return { type: v.type, name: v.name, guid: v.guid.toString(), createTxg: v.createTxg.toString(), creation: v.creation.toISOString() };
}

function stepReport(s: PlannedStep): StepReport {
  return {
    kind: s.kind,
    ...(s.from ? { from: versionReport(s.from) } : {}),
    to: versionReport(s.to),
    bytes: s.bytes,
    ...(s.expectedBytes !== undefined ? { expectedBytes: s.expectedBytes } : {}),
    // A pending step with a token will resume; a step that streamed says whether it did.
    resumed: s.resumed ?? s.resumeToken !== undefined,
  };
}

/** The top-level state names of a machine's state value type: `'a' | { b: … }` gives `'a' | 'b'`. */
type TopState<V> = V extends string ? V : V extends object ? keyof V & string : never;

type ReplicationValue = SnapshotFrom<typeof replicationMachine>['value'];
type PrunerValue = SnapshotFrom<typeof prunerMachine>['value'];
type JobValue = SnapshotFrom<typeof jobMachine>['value'];

/**
 * The top-level state name of a (possibly nested) state value, e.g. `planning` for `{ planning:
 * 'estimating' }`, typed from the machine: a state renamed in a machine but not in the report's
 * union fails to compile.
 */
export function topState<V>(value: V): TopState<V> {
  // A state value is a state's name or an object with exactly one key per active region.
  return (typeof value === 'string' ? value : Object.keys(value as object)[0]) as TopState<V>;
}

/** The report's names are the machines' names (checked when this compiles). */
const reportStates: {
  replication: (v: ReplicationValue) => ReplicationState;
  pruner: (v: PrunerValue) => PrunerState;
  work: (v: JobValue['work']) => Exclude<JobState, 'stopped'>;
  watchdog: (v: JobValue['watchdog']) => WatchdogState;
} = { replication: topState, pruner: topState, work: topState, watchdog: topState };

/** What an entry waits for; `heldBy` is the ancestor whose first replication holds it, if any. */
function blockedOnOf(entry: FilesystemEntry, heldBy: string | undefined): BlockedOnReport | undefined {
  switch (entry.status) {
    case 'retryWait':
      return entry.needsReplan ? { kind: 'new-plan' } : { kind: 'retry', at: iso(entry.retryAt) ?? '' };
    case 'ready':
      return heldBy !== undefined ? { kind: 'parent-initial-replication', filesystem: heldBy } : { kind: 'replication-slot' };
    default:
      return undefined;
  }
}

/** Reports of the entries; a ready one held by the parent-first rule says by which ancestor. */
function filesystemReports(entries: EntryIndex, indexOf: ReadonlyMap<string, number>, list: readonly FilesystemEntry[], live: (e: FilesystemEntry) => FilesystemContext | undefined): FilesystemReport[] {
  return list.map((e, i) => {
    const held = e.status === 'ready' ? initialReplicationBlocker(entries, indexOf, i) : undefined;
    return filesystemReport(e, live(e), held === undefined ? undefined : entries.get(held)?.path);
  });
}

function filesystemReport(entry: FilesystemEntry, live: FilesystemContext | undefined, heldBy: string | undefined): FilesystemReport {
  const steps = live ? live.steps : entry.steps;
  // A received step waits only for the cursor move, which comes once after the last step: it
  // counts as completed, and the step being transferred is the active one.
  const firstUnreceived = steps.findIndex((s) => !s.done && !s.received);
  const activeIndex = entry.status === 'active' ? (firstUnreceived >= 0 ? firstUnreceived : steps.findIndex((s) => !s.done)) : -1;
  const completed = steps.filter((s, i) => i !== activeIndex && (s.done || s.received)).map(stepReport);
  const active = activeIndex >= 0 && steps[activeIndex] ? stepReport(steps[activeIndex]) : undefined;
  const pending = steps.filter((s, i) => !s.done && !s.received && i !== activeIndex).map(stepReport);
  const expected = steps.filter((s) => s.expectedBytes !== undefined);
  const blockedOn = blockedOnOf(entry, heldBy);
  return {
    filesystem: entry.path,
    state: entry.status,
    ...(entry.problem ? { problem: problemReport(entry.problem) } : {}),
    ...(blockedOn ? { blockedOn } : {}),
    attempts: entry.attempts,
    ...(entry.retryAt !== undefined && entry.status === 'retryWait' ? { retryAt: iso(entry.retryAt) } : {}),
    completedSteps: completed,
    ...(active ? { activeStep: active } : {}),
    pendingSteps: pending,
    bytes: steps.reduce((n, s) => n + s.bytes, 0),
    ...(expected.length > 0 ? { expectedBytes: expected.reduce((n, s) => n + (s.expectedBytes ?? 0), 0) } : {}),
  };
}

/** A replication report from the live replication actor's snapshot. */
export function replicationReportFromSnapshot(snapshot: SnapshotLike<ReplicationContext, ReplicationValue>): ReplicationReport {
  const c = snapshot.context;
  return {
    state: reportStates.replication(snapshot.value),
    ...(c.problem ? { problem: problemReport(c.problem) } : {}),
    ...(c.sleepUntil !== undefined ? { sleepUntil: iso(c.sleepUntil) } : {}),
    startedAt: new Date(c.startedAt).toISOString(),
    ...(c.finishedAt !== undefined ? { finishedAt: iso(c.finishedAt) } : {}),
    filesystems: filesystemReports(c.entries, c.indexOf, c.entries.toArray(), (e) => {
      const child = e.status === 'active' ? snapshot.children[filesystemChildId(e.path)] : undefined;
      return child ? (child.getSnapshot() as { context: FilesystemContext }).context : undefined;
    }),
  };
}

function replicationReportFromOutput(o: ReplicationMachineOutput): ReplicationReport {
  return {
    state: o.state,
    ...(o.problem ? { problem: problemReport(o.problem) } : {}),
    startedAt: new Date(o.startedAt).toISOString(),
    finishedAt: new Date(o.finishedAt).toISOString(),
    filesystems: o.filesystems.some((e) => e.status === 'ready')
      ? filesystemReports(EntryTable.from(o.filesystems), new Map(o.filesystems.map((e, i) => [e.path, i])), o.filesystems, () => undefined)
      : o.filesystems.map((e) => filesystemReport(e, undefined, undefined)),
  };
}

function pruneFilesystemReport(f: PruneFilesystemPlan) {
  return {
    filesystem: f.filesystem,
    destroy: f.destroy,
    destroyed: f.destroyed,
    protected: f.protected.map((p) => ({ name: p.name, reason: p.reason })),
    ...(f.problem ? { problem: problemReport(f.problem) } : {}),
  };
}

function prunerReportFromSnapshot(snapshot: SnapshotLike<PrunerContext, PrunerValue>): PrunerReport {
  const c = snapshot.context;
  return {
    side: c.side,
    state: reportStates.pruner(snapshot.value),
    ...(c.problem ? { problem: problemReport(c.problem) } : {}),
    ...(c.sleepUntil !== undefined ? { sleepUntil: iso(c.sleepUntil) } : {}),
    filesystems: c.filesystems.map(pruneFilesystemReport),
  };
}

function prunerReportFromOutput(o: PrunerMachineOutput): PrunerReport {
  return {
    side: o.side,
    state: o.state,
    ...(o.problem ? { problem: problemReport(o.problem) } : {}),
    filesystems: o.filesystems.map(pruneFilesystemReport),
  };
}

/** True when every part of a finished invocation completed without a problem. */
export function invocationOk(inv: Invocation): boolean {
  if (inv.crash || inv.reset || inv.watchdog.length > 0) return false;
  const r = inv.replication;
  if (!r || r.state !== 'completed' || r.filesystems.some((f) => f.status === 'permanentError' || f.status === 'retryWait')) return false;
  for (const p of [inv.pruneSender, inv.pruneReceiver]) {
    if (!p || p.state !== 'done' || p.filesystems.some((f) => f.problem)) return false;
  }
  return true;
}

function invocationReport(inv: Invocation, children: Record<string, AnyActorRef | undefined>): InvocationReport {
  const live = (id: string) => children[id]?.getSnapshot() as SnapshotLike<never> | undefined;
  const replicationLive = inv.replication ? undefined : live('replication');
  const senderLive = inv.pruneSender ? undefined : live('pruneSender');
  const receiverLive = inv.pruneReceiver ? undefined : live('pruneReceiver');
  const replication = inv.replication
    ? replicationReportFromOutput(inv.replication)
    : replicationLive
      ? replicationReportFromSnapshot(replicationLive as SnapshotLike<ReplicationContext, ReplicationValue>)
      : undefined;
  const pruneSender = inv.pruneSender
    ? prunerReportFromOutput(inv.pruneSender)
    : senderLive
      ? prunerReportFromSnapshot(senderLive as SnapshotLike<PrunerContext, PrunerValue>)
      : undefined;
  const pruneReceiver = inv.pruneReceiver
    ? prunerReportFromOutput(inv.pruneReceiver)
    : receiverLive
      ? prunerReportFromSnapshot(receiverLive as SnapshotLike<PrunerContext, PrunerValue>)
      : undefined;
  return {
    number: inv.number,
    startedAt: new Date(inv.startedAt).toISOString(),
    ...(inv.finishedAt !== undefined ? { finishedAt: iso(inv.finishedAt) } : {}),
    ...(replication ? { replication } : {}),
    ...(pruneSender ? { pruneSender } : {}),
    ...(pruneReceiver ? { pruneReceiver } : {}),
    ...(inv.watchdog.length > 0
      ? { watchdog: inv.watchdog.map((w) => ({ cancelled: w.cancelled, at: new Date(w.at).toISOString(), message: w.message })) }
      : {}),
    ...(inv.reset ? { reset: true } : {}),
    ok: inv.finishedAt !== undefined && invocationOk(inv),
  };
}

/** The job's report, from the job actor's snapshot (and its live children). Pure apart from reading child snapshots. */
export function buildJobReport(snapshot: SnapshotLike<JobContext, JobValue>): JobReport {
  const c = snapshot.context;
  const value = snapshot.value;
  const state: JobState = snapshot.status === 'active' ? reportStates.work(value.work) : 'stopped';
  const problem = c.current?.crash ?? c.last?.crash;
  return {
    job: c.jobId,
    state,
    watchdog: reportStates.watchdog(value.watchdog),
    ...(c.sleepUntil !== undefined && state === 'idle' ? { sleepUntil: iso(c.sleepUntil) } : {}),
    ...(c.progress.at !== undefined ? { lastProgressAt: iso(c.progress.at) } : {}),
    wakeupPending: c.wakeupPending,
    ...(c.current ? { current: invocationReport(c.current, snapshot.children) } : {}),
    ...(c.last ? { last: invocationReport(c.last, {}) } : {}),
    ...(problem ? { problem: problemReport(problem) } : {}),
  };
}
