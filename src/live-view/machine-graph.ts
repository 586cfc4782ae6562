import type { AnyStateMachine } from 'xstate';

/**
 * A machine's definition reduced to what a diagram draws: the state tree (with each state's kind,
 * invoked actors and tags) and every transition with a readable label (event, guard, delay).
 */

/** One state of the tree; `path` is the state's keys from the root, joined with dots ("" for the root). */
export interface GraphState {
  path: string;
  key: string;
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The initial child's key, for a compound state. */
  initial?: string;
  /** Invoked actors, as `id` or `id (src)` when they differ. */
  invokes: string[];
  tags: string[];
  children: GraphState[];
}

/** One transition: from a state to one target, with its label. Targetless transitions are left out. */
export interface GraphTransition {
  source: string;
  target: string;
  label: string;
}

/** A machine's diagram input. */
export interface MachineGraph {
  /** The machine's id (`job`, `replication`, ...), which its actors' snapshots name too. */
  machine: string;
  root: GraphState;
  transitions: GraphTransition[];
}

// The parts of XState's StateNode a diagram needs; typed here so no `any` leaks from its internals.
interface StateNodeView {
  key: string;
  path: string[];
  type: GraphState['kind'];
  states: Record<string, StateNodeView>;
  initial?: { target: readonly StateNodeView[] } | undefined;
  invoke: readonly { id: string; src: unknown }[];
  tags: readonly string[];
  transitions: Map<string, readonly TransitionView[]>;
  always?: readonly TransitionView[] | undefined;
  after: readonly (TransitionView & { delay: string | number })[];
}
interface TransitionView {
  eventType: string;
  target?: readonly StateNodeView[] | undefined;
  guard?: unknown;
}

/** Reads a machine's definition into a {@link MachineGraph}. */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const transitions: GraphTransition[] = [];
  const visit = (node: StateNodeView): GraphState => {
    const path = node.path.join('.');
    const delays = new Map(node.after.map((a) => [a.eventType, a.delay]));
    const add = (t: TransitionView, event: string): void => {
      const guard = t.guard === undefined ? '' : ` [${guardLabel(t.guard)}]`;
      for (const target of t.target ?? []) transitions.push({ source: path, target: target.path.join('.'), label: `${event}${guard}` });
    };
    for (const [eventType, list] of node.transitions) {
      for (const t of list) add(t, eventLabel(eventType, delays.get(eventType)));
    }
    for (const t of node.always ?? []) add(t, 'always');
    const initial = node.initial?.target[0]?.key;
    return {
      path,
      key: node.key,
      kind: node.type,
      ...(node.type === 'compound' && initial !== undefined ? { initial } : {}),
      invokes: node.invoke.map((i) => (typeof i.src === 'string' && i.src !== i.id ? `${i.id} (${i.src})` : i.id)),
      tags: [...node.tags],
      children: Object.values(node.states).map(visit),
    };
  };
  const root = visit(machine.root as unknown as StateNodeView);
  return { machine: machine.id, root, transitions };
}

// XState's internal event names, said the way a reader of the machine's source would.
function eventLabel(eventType: string, delay: string | number | undefined): string {
  if (delay !== undefined) return `after ${typeof delay === 'number' ? `${delay} ms` : delay}`;
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return `done ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return `error ${error[1]}`;
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  return eventType;
}

// A named guard is its name; and()/or()/not() carry their parts on `guards`.
function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') return guard.type;
  if (typeof guard === 'function') {
    const parts: unknown = 'guards' in guard ? guard.guards : undefined;
    if (Array.isArray(parts) && guard.name !== '') return `${guard.name}(${parts.map(guardLabel).join(', ')})`;
    return guard.name === '' ? 'guard' : guard.name;
  }
  return 'guard';
}
