import dagre from '@dagrejs/dagre';
import type { GraphState, MachineGraph } from './machine-graph.js';

/**
 * Lays a machine graph out with dagre (MIT), one level of the state tree at a time: a compound
 * or parallel state is a box whose children dagre places inside it, and a transition is drawn at
 * the level where its source and target part (the children of their closest common ancestor).
 * Transitions between the same two boxes share one edge, their labels stacked.
 */

/** A point of the diagram, in pixels from its top-left corner. */
export interface DiagramPoint {
  x: number;
  y: number;
}

/** A state's box: top-left corner and size. */
export interface PlacedState {
  state: GraphState;
  x: number;
  y: number;
  width: number;
  height: number;
  children: PlacedState[];
}

/** An edge: its polyline and its label lines, centred on `label`. */
export interface PlacedEdge {
  points: DiagramPoint[];
  lines: string[];
  label: DiagramPoint;
}

/** A pseudo state: the initial dot of a compound state, or the "in any child" dot of a state's own transitions to its children. */
export interface PlacedPseudo {
  kind: 'initial' | 'any';
  at: DiagramPoint;
}

/** A whole diagram. */
export interface DiagramLayout {
  machine: string;
  width: number;
  height: number;
  root: PlacedState;
  edges: PlacedEdge[];
  pseudos: PlacedPseudo[];
}

/** Sizes the SVG renderer draws with (monospace text, so widths follow from lengths). */
export const DIAGRAM_METRICS = {
  charWidth: 7,
  lineHeight: 15,
  labelCharWidth: 6,
  labelLineHeight: 13,
  padding: 8,
  pseudoRadius: 5,
} as const;

const M = DIAGRAM_METRICS;

interface LevelEdge {
  from: string;
  to: string;
  lines: string[];
}

interface Measured {
  state: GraphState;
  width: number;
  height: number;
  children: Measured[];
  // Relative to the box's top-left corner.
  childAt: Map<string, DiagramPoint>;
  edges: PlacedEdge[];
  pseudos: PlacedPseudo[];
}

/** Lays out one machine graph. */
export function layoutMachineGraph(graph: MachineGraph): DiagramLayout {
  const levels = edgesByLevel(graph);
  const measured = measure(graph.root, levels);
  const edges: PlacedEdge[] = [];
  const pseudos: PlacedPseudo[] = [];
  const root = place(measured, 0, 0, edges, pseudos);
  return { machine: graph.machine, width: measured.width, height: measured.height, root, edges, pseudos };
}

const ANY = '*any';
const INITIAL = '*initial';

// Assigns every transition to the level where it is drawn, as an edge between two children of
// that level (or from the level's "any" dot to a child, or a loop on one child).
function edgesByLevel(graph: MachineGraph): Map<string, LevelEdge[]> {
  const levels = new Map<string, Map<string, LevelEdge>>();
  const add = (level: string, from: string, to: string, line: string): void => {
    const edges = levels.get(level) ?? new Map<string, LevelEdge>();
    levels.set(level, edges);
    const key = `${from}\u0000${to}`;
    const edge = edges.get(key) ?? { from, to, lines: [] };
    edges.set(key, edge);
    if (!edge.lines.includes(line)) edge.lines.push(line);
  };
  const split = (path: string): string[] => (path === '' ? [] : path.split('.'));
  for (const { source, target, label } of graph.transitions) {
    const s = split(source);
    const t = split(target);
    let k = 0;
    while (k < s.length && k < t.length && s[k] === t[k]) k++;
    if (k === t.length) {
      // To the source itself or to one of its ancestors: a loop on that state, drawn in its parent.
      if (t.length === 0) continue;
      const key = t[t.length - 1] as string;
      const within = s.slice(k).join('.');
      add(t.slice(0, -1).join('.'), key, key, within === '' ? label : `${within}: ${label}`);
    } else if (k === s.length) {
      // To a descendant: from whichever child is active, so from the level's "any" dot.
      add(source, ANY, t[k] as string, label);
    } else {
      const within = s.slice(k + 1).join('.');
      add(s.slice(0, k).join('.'), s[k] as string, t[k] as string, within === '' ? label : `${within}: ${label}`);
    }
  }
  return new Map([...levels].map(([level, edges]) => [level, [...edges.values()]]));
}

const textWidth = (lines: readonly string[], charWidth: number): number => Math.max(0, ...lines.map((l) => l.length)) * charWidth;

function measure(state: GraphState, levels: Map<string, LevelEdge[]>): Measured {
  const ownLines = [state.key === '' ? '' : state.key, ...state.invokes.map((i) => `invoke ${i}`)];
  if (state.children.length === 0) {
    return {
      state,
      width: textWidth(ownLines, M.charWidth) + 2 * M.padding,
      height: ownLines.length * M.lineHeight + 2 * M.padding,
      children: [],
      childAt: new Map(),
      edges: [],
      pseudos: [],
    };
  }
  const children = state.children.map((c) => measure(c, levels));
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 28, edgesep: 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of children) g.setNode(c.state.key, { width: c.width, height: c.height });
  // A fresh label per node: dagre writes each node's position into its label object.
  const pseudoSize = (): { width: number; height: number } => ({ width: 2 * M.pseudoRadius, height: 2 * M.pseudoRadius });
  const edges = levels.get(state.path) ?? [];
  if (state.initial !== undefined) {
    g.setNode(INITIAL, pseudoSize());
    g.setEdge(INITIAL, state.initial, { width: 0, height: 0 }, 'initial');
  }
  if (edges.some((e) => e.from === ANY)) g.setNode(ANY, pseudoSize());
  edges.forEach((e, i) => {
    g.setEdge(e.from, e.to, { width: textWidth(e.lines, M.labelCharWidth), height: e.lines.length * M.labelLineHeight, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const graphLabel = g.graph();
  const innerWidth = graphLabel.width ?? 0;
  const innerHeight = graphLabel.height ?? 0;
  const headerHeight = ownLines.length * M.lineHeight + M.padding;
  const width = Math.max(innerWidth, textWidth(ownLines, M.charWidth)) + 2 * M.padding;
  const left = M.padding + (width - 2 * M.padding - innerWidth) / 2;
  const top = headerHeight + M.padding;
  const shift = (p: { x?: number; y?: number }): DiagramPoint => ({ x: (p.x ?? 0) + left, y: (p.y ?? 0) + top });
  const childAt = new Map<string, DiagramPoint>();
  for (const c of children) {
    const n = g.node(c.state.key);
    const centre = shift(n);
    childAt.set(c.state.key, { x: centre.x - c.width / 2, y: centre.y - c.height / 2 });
  }
  const pseudos: PlacedPseudo[] = [];
  for (const [name, kind] of [
    [INITIAL, 'initial'],
    [ANY, 'any'],
  ] as const) {
    if (g.hasNode(name)) pseudos.push({ kind, at: shift(g.node(name)) });
  }
  const placedEdges: PlacedEdge[] = [];
  if (state.initial !== undefined) {
    placedEdges.push({ points: (g.edge(INITIAL, state.initial, 'initial').points ?? []).map(shift), lines: [], label: { x: 0, y: 0 } });
  }
  edges.forEach((e, i) => {
    const label = g.edge(e.from, e.to, `e${i}`);
    placedEdges.push({ points: (label.points ?? []).map(shift), lines: e.lines, label: shift(label) });
  });
  return { state, width, height: top + innerHeight + M.padding, children, childAt, edges: placedEdges, pseudos };
}

function place(m: Measured, x: number, y: number, edges: PlacedEdge[], pseudos: PlacedPseudo[]): PlacedState {
  const move = (p: DiagramPoint): DiagramPoint => ({ x: p.x + x, y: p.y + y });
  for (const e of m.edges) edges.push({ points: e.points.map(move), lines: e.lines, label: move(e.label) });
  for (const p of m.pseudos) pseudos.push({ kind: p.kind, at: move(p.at) });
  const children = m.children.map((c) => {
    const at = m.childAt.get(c.state.key) ?? { x: 0, y: 0 };
    return place(c, x + at.x, y + at.y, edges, pseudos);
  });
  return { state: m.state, x, y, width: m.width, height: m.height, children };
}
