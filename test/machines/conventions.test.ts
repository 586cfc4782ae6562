import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { filesystemMachine } from '../../machines/filesystem.js';
import { jobMachine } from '../../machines/job.js';
import { ERROR_TAG, WAIT_TAG } from '../../machines/progress.js';
import { prunerMachine } from '../../machines/pruner.js';
import { replicationMachine } from '../../machines/replication.js';
import { snapshotterMachine } from '../../machines/snapshotter.js';

/**
 * Static checks over every machine's definition: the rules that make "progress is evidence of
 * work" hold by construction (docs/engine.md), so the property tests only have to confirm it at
 * run time.
 */
const machines: Record<string, AnyStateMachine> = {
  filesystem: filesystemMachine,
  replication: replicationMachine,
  pruner: prunerMachine,
  job: jobMachine,
  snapshotter: snapshotterMachine,
};

/**
 * Events that report work done, besides an invoked actor's completion (`xstate.done.actor.*`) and
 * a parallel state's completion (`xstate.done.state.*`: both listings in, the plan made): bytes
 * moved, an estimate answered, a batch destroyed, a child's progress relayed, a child filesystem
 * machine's finished attempt.
 */
const WORK_EVENTS: ReadonlySet<string> = new Set([
  'transfer.progress',
  'estimate.reported',
  'destroy.reported',
  'progress.made',
  'xstate.done.actor.fs.*',
]);

/**
 * Work-event transitions that may go without progress because an earlier guarded alternative of
 * the same event records it, and this one means nothing was done. Listed so that no exemption is
 * silent.
 */
const NOTHING_DONE_FALLBACKS = [
  'replication.working xstate.done.actor.fs.*: an attempt that failed',
  'pruner.exec.destroying destroy.reported: a batch that destroyed nothing',
];

interface TransitionLike {
  eventType: string;
  source: AnyStateNode;
  target?: readonly AnyStateNode[] | undefined;
  actions: readonly unknown[];
  guard?: unknown;
}

function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child))];
}

function transitionsOf(node: AnyStateNode): TransitionLike[] {
  const list: TransitionLike[] = [];
  for (const group of node.transitions.values()) list.push(...(group as TransitionLike[]));
  list.push(...((node.always ?? []) as TransitionLike[]));
  return list;
}

function actionNames(actions: readonly unknown[]): string[] {
  return actions.map((a) => (typeof a === 'string' ? a : typeof a === 'object' && a && 'type' in a ? String(a.type) : '(inline)'));
}

const isErrorOrWait = (node: AnyStateNode): boolean => node.tags.includes(ERROR_TAG) || node.tags.includes(WAIT_TAG);
const recordsProgress = (t: TransitionLike): boolean => actionNames(t.actions).includes('madeProgress');
const isWorkCause = (eventType: string): boolean =>
  eventType.startsWith('xstate.done.actor.') || eventType.startsWith('xstate.done.state.') || WORK_EVENTS.has(eventType);
const describeTransition = (t: TransitionLike): string =>
  `${t.source.id} --${t.eventType || '(always)'}--> ${t.target?.map((n) => n.id).join(',') ?? '(internal)'}`;

describe.each(Object.entries(machines))('%s machine', (_name, machine) => {
  const nodes = allStateNodes(machine.root);
  const transitions = nodes.flatMap(transitionsOf);

  it('records progress only when work was done: never on an error, a timer out of an error or wait state, or a decision', () => {
    const offenders = transitions
      .filter((t) => recordsProgress(t) && !isWorkCause(t.eventType))
      .map((t) => `${describeTransition(t)}: madeProgress without work`);
    expect(transitions.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it('records no progress on an error or on a timer out of a state tagged error or wait', () => {
    const offenders = transitions
      .filter((t) => recordsProgress(t))
      .filter((t) => t.eventType.startsWith('xstate.error.') || (t.eventType.startsWith('xstate.after.') && isErrorOrWait(t.source)))
      .map(describeTransition);
    expect(offenders).toEqual([]);
  });

  it('records progress on every transition that completes work', () => {
    const offenders: string[] = [];
    for (const node of nodes) {
      for (const [eventType, group] of node.transitions) {
        if (!isWorkCause(eventType)) continue;
        (group as TransitionLike[]).forEach((t, i) => {
          if (recordsProgress(t)) return;
          // A completion that the machine reads as a failure (it goes to an error or wait state) did no work.
          if (t.target && t.target.length > 0 && t.target.every(isErrorOrWait)) return;
          const earlierRecords = (group as TransitionLike[]).slice(0, i).some((g) => g.guard !== undefined && recordsProgress(g));
          if (earlierRecords && NOTHING_DONE_FALLBACKS.some((f) => f.startsWith(`${node.id} ${eventType}:`))) return;
          offenders.push(describeTransition(t));
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('tags every state whose name says it waits or failed, so the rules above can find it', () => {
    // The tags are the source of truth; this catches a new error state that forgot its tag.
    const untagged = nodes
      .filter((n) => /Error|Wait|errPerm|expired/.test(n.key) && !isErrorOrWait(n))
      .map((n) => n.id);
    expect(untagged).toEqual([]);
  });

  it('handles the error of every invoke', () => {
    const missing: string[] = [];
    for (const node of nodes) {
      for (const inv of node.invoke) {
        if (!node.transitions.has(`xstate.error.actor.${inv.id}`)) missing.push(`${node.id} invokes ${String(inv.src)} without onError`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every invoke an id of its own, so inspectors and xstate/graph name it', () => {
    const generated = nodes.flatMap((n) => n.invoke.filter((inv) => /^\d+\./.test(inv.id)).map((inv) => `${n.id} invokes ${String(inv.src)}`));
    expect(generated).toEqual([]);
  });

  it('gives every timer a named delay that setup() declares', () => {
    const declared = Object.keys(machine.implementations.delays);
    const bad: string[] = [];
    for (const node of nodes) {
      for (const after of node.after) {
        const delay = after.delay;
        if (typeof delay !== 'string' || !declared.includes(delay)) bad.push(`${node.id}: after ${String(delay)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('describes every state', () => {
    const undescribed = nodes.filter((n) => n !== machine.root && !n.description).map((n) => n.id);
    expect(undescribed).toEqual([]);
  });

  it('declares madeProgress in setup()', () => {
    expect(Object.keys(machine.implementations.actions)).toContain('madeProgress');
  });
});

describe('the static rules', () => {
  it('exempt only the listed nothing-done fallbacks, each of which exists', () => {
    const found: string[] = [];
    for (const machine of Object.values(machines)) {
      for (const node of allStateNodes(machine.root)) {
        for (const [eventType, group] of node.transitions) {
          if (!WORK_EVENTS.has(eventType)) continue;
          const list = group as TransitionLike[];
          list.forEach((t, i) => {
            if (!recordsProgress(t) && list.slice(0, i).some((g) => g.guard !== undefined && recordsProgress(g))) found.push(`${node.id} ${eventType}`);
          });
        }
      }
    }
    expect(found).toEqual(NOTHING_DONE_FALLBACKS.map((f) => f.slice(0, f.indexOf(':'))));
  });
});

describe('replication machine', () => {
  it('handles the errors of the filesystem machines it spawns', () => {
    const working = replicationMachine.root.states['working'];
    expect(working?.transitions.has('xstate.error.actor.fs.*')).toBe(true);
    expect(working?.transitions.has('xstate.done.actor.fs.*')).toBe(true);
  });
});
