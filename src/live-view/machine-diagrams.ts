import { filesystemMachine, jobMachine, prunerMachine, replicationMachine, snapshotterMachine } from '../../machines/index.js';
import { layoutMachineGraph } from './diagram-layout.js';
import { diagramSvg } from './diagram-svg.js';
import { machineGraph } from './machine-graph.js';

/** One machine's drawing, keyed by the machine id its actors' snapshots carry. */
export interface MachineDiagram {
  machine: string;
  svg: string;
}

let drawn: MachineDiagram[] | undefined;

/**
 * The engine's five machines drawn from their definitions, in the order a job runs them. Drawn
 * once per process (about 50 ms), on first use, and never per event.
 */
export function machineDiagrams(): readonly MachineDiagram[] {
  drawn ??= [jobMachine, replicationMachine, filesystemMachine, prunerMachine, snapshotterMachine].map((machine) => ({
    machine: machine.id,
    svg: diagramSvg(layoutMachineGraph(machineGraph(machine))),
  }));
  return drawn;
}
