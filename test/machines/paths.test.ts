import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { filesystemMachine } from '../../machines/filesystem.js';
import { prunerMachine } from '../../machines/pruner.js';
import { EndpointError } from '../../src/domain/errors.js';
import type { FilesystemVersion, ListedVersion } from '../../src/domain/version.js';
import { keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';

/**
 * Path coverage with xstate/graph: the events offered in each state are derived from the
 * transitions the state's definition has (done and error events of its invokes, its timers, its
 * external events), with fixed payloads. Every state must be reachable, and from every reachable
 * state a final state must be reachable: no state can trap a run.
 */
const version = (name: string, txg: number): ListedVersion => ({
  type: 'snapshot',
  name,
  guid: BigInt(txg),
  createTxg: BigInt(txg),
  creation: new Date(txg * 1000),
  userRefs: 0,
});
const transient = new EndpointError('busy', { kind: 'dataset-busy' });
const permanent = new EndpointError('bad', { kind: 'invalid-name' });

function eventsFor(outputs: Record<string, unknown[]>, extra: EventObject[]) {
  return (snapshot: AnyMachineSnapshot): EventObject[] => {
    const events: EventObject[] = [...extra];
    for (const node of snapshot._nodes) {
      for (const key of node.transitions.keys()) {
        if (key.startsWith('xstate.done.actor.')) {
          const inv = node.invoke.find((i) => key === `xstate.done.actor.${i.id}`);
          for (const output of outputs[String(inv?.src)] ?? [undefined]) events.push({ type: key, output } as EventObject);
        } else if (key.startsWith('xstate.error.actor.')) {
          events.push({ type: key, error: transient } as EventObject, { type: key, error: permanent } as EventObject);
        } else if (key.startsWith('xstate.after.')) {
          events.push({ type: key });
        }
      }
    }
    return events;
  };
}

function leafStateIds(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  const walk = (node: AnyStateMachine['root']) => {
    const children = Object.values(node.states);
    // A state with eventless transitions is passed through within a macrostep, never rested in.
    if (children.length === 0 && node.always === undefined) ids.push(node.id);
    children.forEach(walk);
  };
  walk(machine.root);
  return ids;
}

const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v));

function checkCoverage(machine: AnyStateMachine, input: unknown, events: (s: AnyMachineSnapshot) => EventObject[], serialize: (s: AnyMachineSnapshot) => string) {
  const serializeEvent = (e: EventObject) => json(e);
  const paths = getShortestPaths(machine, { input, events, serializeEvent, serializeState: (s) => serialize(s as AnyMachineSnapshot) });
  const reached = new Set(paths.flatMap((p) => (p.state as AnyMachineSnapshot)._nodes.map((n) => n.id)));
  const unreached = leafStateIds(machine).filter((id) => !reached.has(id));
  const traps: string[] = [];
  for (const p of paths) {
    const state = p.state as AnyMachineSnapshot;
    if (state.status === 'done') continue;
    const onward = getShortestPaths(machine, { fromState: state, events, serializeEvent, serializeState: (s) => serialize(s as AnyMachineSnapshot), toState: (s) => (s as AnyMachineSnapshot).status === 'done' });
    if (onward.length === 0) traps.push(JSON.stringify(state.value));
  }
  return { paths: paths.length, unreached, traps };
}

describe('path coverage', () => {
  it('filesystem machine: every state reachable, none a trap', () => {
    const to: FilesystemVersion = version('a', 1);
    // A full step then an incremental one: a failure of the second, after the first is received,
    // goes through savingCursor; a failure of the first ends at once.
    const input = {
      path: 'tank/a',
      steps: [
        { kind: 'transfer', to, bytes: 0, received: false, done: false },
        { kind: 'transfer', from: to, to: version('b', 2), bytes: 0, received: false, done: false },
      ],
      attempts: 0,
      jobId: 'j',
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      now: () => 0,
    };
    const result = checkCoverage(
      filesystemMachine,
      input,
      eventsFor({}, [{ type: 'transfer.progress', bytes: 1 } as EventObject]),
      (s) => json([s.value, s.status, (s.context as { steps: unknown[] }).steps]),
    );
    expect(result.unreached).toEqual([]);
    expect(result.traps).toEqual([]);
    expect(result.paths).toBeGreaterThan(4);
  });

  it('pruner machine: every state reachable, none a trap', () => {
    const listing = {
      filesystems: [{ path: 'tank/a', placeholder: false, versions: [version('a', 1), version('b', 2)] }],
      cursors: new Map([['tank/a', version('b', 2)]]),
    };
    const empty = { filesystems: [], cursors: new Map() };
    const input = {
      side: 'sender',
      jobId: 'j',
      rules: keepRulesFromConfig([{ type: 'last_n', count: 1 }]),
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      now: () => 0,
    };
    const result = checkCoverage(
      prunerMachine,
      input,
      eventsFor({ listPruneState: [listing, empty] }, [
        { type: 'cancel', reason: 'test' } as EventObject,
        { type: 'destroy.reported', filesystem: 'tank/a', results: [{ name: 'a' }] } as EventObject,
        { type: 'destroy.reported', filesystem: 'tank/a', results: [{ name: 'a', problem: { message: 'busy', kind: 'dataset-busy', errorClass: 'transient', at: 0 } }] } as EventObject,
      ]),
      (s) => {
        const c = s.context as { attempts: number; filesystems: { pending: string[] }[] };
        return json([s.value, s.status, c.attempts, c.filesystems.map((f) => f.pending)]);
      },
    );
    expect(result.unreached).toEqual([]);
    expect(result.traps).toEqual([]);
  });
});
