import { describe, expect, it } from 'vitest';
import { filesystemMachine, jobMachine, prunerMachine, replicationMachine, snapshotterMachine } from '../../machines/index.js';
import { machineGraph, type GraphState } from '../../src/live-view/machine-graph.js';

const all = (state: GraphState): GraphState[] => [state, ...state.children.flatMap(all)];

describe('machineGraph', () => {
  it('reads the replication machine: parallel listing, final states, invoked actors, guards and delays', () => {
    const graph = machineGraph(replicationMachine);
    const states = new Map(all(graph.root).map((s) => [s.path, s]));
    expect(graph.machine).toBe('replication');
    expect(states.get('planning.listing')?.kind).toBe('parallel');
    expect(states.get('completed')?.kind).toBe('final');
    expect(states.get('planning')?.initial).toBe('listing');
    expect(states.get('planning.listing.sender.listing')?.invokes).toEqual(['listSender (listSide)']);
    expect(states.get('workingWait')?.tags).toContain('wait');
    const labels = graph.transitions.map((t) => `${t.source} -> ${t.target}: ${t.label}`);
    expect(labels).toContain('planningError -> planning: after planningRetry');
    expect(labels).toContain('planning.listing.sender.listing -> planningError: error listSender [isRetryablePlanningError]');
    expect(labels).toContain('planning.listing -> planning.estimating: done');
    expect(labels.some((l) => /^working -> planning: always \[and\(.+\)\]$/.test(l))).toBe(true);
  });

  it('names only states that exist, as sources and targets, in all five machines', () => {
    for (const machine of [jobMachine, replicationMachine, filesystemMachine, prunerMachine, snapshotterMachine]) {
      const graph = machineGraph(machine);
      const paths = new Set(all(graph.root).map((s) => s.path));
      expect(graph.transitions.length).toBeGreaterThan(3);
      for (const t of graph.transitions) {
        expect(paths, `${machine.id}: ${t.source}`).toContain(t.source);
        expect(paths, `${machine.id}: ${t.target}`).toContain(t.target);
      }
    }
  });
});
