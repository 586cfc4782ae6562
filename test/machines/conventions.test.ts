import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { filesystemMachine } from '../../machines/filesystem.js';
import { jobMachine } from '../../machines/job.js';
import { ERROR_STATE_NAMES } from '../../machines/progress.js';
import { prunerMachine } from '../../machines/pruner.js';
import { replicationMachine } from '../../machines/replication.js';
import { snapshotterMachine } from '../../machines/snapshotter.js';

/**
 * Static checks over every machine's definition: the rules that make "nothing moves without
 * progress" hold by construction, so the property tests only have to confirm it at run time.
 */
const machines: Record<string, AnyStateMachine> = {
  filesystem: filesystemMachine,
  replication: replicationMachine,
  pruner: prunerMachine,
  job: jobMachine,
  snapshotter: snapshotterMachine,
};

interface TransitionLike {
  eventType: string;
  target?: readonly AnyStateNode[] | undefined;
  actions: readonly unknown[];
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

const isErrorState = (node: AnyStateNode) => ERROR_STATE_NAMES.has(node.key);

describe.each(Object.entries(machines))('%s machine', (name, machine) => {
  const nodes = allStateNodes(machine.root);

  it('runs madeProgress on every transition into a non-error state, and never into an error state', () => {
    const offenders: string[] = [];
    let checked = 0;
    for (const node of nodes) {
      for (const t of transitionsOf(node)) {
        if (!t.target || t.target.length === 0) continue;
        checked++;
        const names = actionNames(t.actions);
        const intoError = t.target.every(isErrorState);
        const where = `${node.id} --${t.eventType}--> ${t.target.map((n) => n.id).join(',')}`;
        if (!intoError && !names.includes('madeProgress')) offenders.push(`${where}: no madeProgress`);
        if (intoError && names.includes('madeProgress')) offenders.push(`${where}: madeProgress into an error state`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
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

describe('replication machine', () => {
  it('handles the errors of the filesystem machines it spawns', () => {
    const working = replicationMachine.root.states['working'];
    expect(working?.transitions.has('xstate.error.actor.fs.*')).toBe(true);
    expect(working?.transitions.has('xstate.done.actor.fs.*')).toBe(true);
  });
});
