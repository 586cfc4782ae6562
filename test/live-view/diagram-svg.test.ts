import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import { filesystemMachine, jobMachine, prunerMachine, replicationMachine, snapshotterMachine } from '../../machines/index.js';
import { layoutMachineGraph, type PlacedState } from '../../src/live-view/diagram-layout.js';
import { diagramSvg } from '../../src/live-view/diagram-svg.js';
import { escapeMarkup } from '../../src/live-view/escape-markup.js';
import { machineGraph } from '../../src/live-view/machine-graph.js';

const boxes = (p: PlacedState): PlacedState[] => [p, ...p.children.flatMap(boxes)];
const inside = (inner: PlacedState, outer: PlacedState): boolean =>
  inner.x >= outer.x - 0.01 && inner.y >= outer.y - 0.01 && inner.x + inner.width <= outer.x + outer.width + 0.01 && inner.y + inner.height <= outer.y + outer.height + 0.01;
const overlap = (a: PlacedState, b: PlacedState): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// Every child inside its parent, no two siblings over each other.
function expectNested(p: PlacedState): void {
  for (const c of p.children) {
    expect(inside(c, p), `${c.state.path} inside ${p.state.path}`).toBe(true);
    expectNested(c);
  }
  p.children.forEach((a, i) => p.children.slice(i + 1).forEach((b) => expect(overlap(a, b), `${a.state.path} / ${b.state.path}`).toBe(false)));
}

// A random machine: nested states named with markup, and transitions between random states.
const keyArb = fc.oneof(fc.constantFrom('idle', 'a', 'b', '<script>x</script>', '"><img src=x onerror=1>', "it's & so"), fc.stringMatching(/^[a-z<>&"' ]{1,8}$/));
interface Spec {
  kind: 'atomic' | 'compound' | 'parallel';
  children: [string, Spec][];
}
const specArb: fc.Arbitrary<Spec> = fc.letrec<{ spec: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Spec>({ kind: 'atomic', children: [] }),
    fc.record({ kind: fc.constantFrom<'compound' | 'parallel'>('compound', 'parallel'), children: fc.uniqueArray(fc.tuple(keyArb, tie('spec')), { minLength: 1, maxLength: 4, selector: ([k]) => k }) }),
  ),
})).spec;

function buildMachine(root: Spec, events: [number, number, string][]): AnyStateMachine {
  const ids: string[] = [];
  const config = (spec: Spec, path: string[]): Record<string, unknown> => {
    const id = ids.length === 0 ? 'random' : `s${ids.length}`;
    ids.push(id);
    const node: Record<string, unknown> = { id };
    if (spec.kind !== 'atomic') {
      node['type'] = spec.kind;
      node['states'] = Object.fromEntries(spec.children.map(([key, child]) => [key, config(child, [...path, key])]));
      if (spec.kind === 'compound') node['initial'] = spec.children[0]?.[0];
    }
    return node;
  };
  const rootConfig = config(root.kind === 'atomic' ? { kind: 'compound', children: [['only', root]] } : root, []);
  // Transitions by id, added after the tree exists: source index, target index, event name.
  const byId = new Map<string, Record<string, unknown>>();
  const index = (node: Record<string, unknown>): void => {
    byId.set(String(node['id']), node);
    for (const child of Object.values((node['states'] ?? {}) as Record<string, Record<string, unknown>>)) index(child);
  };
  index(rootConfig);
  for (const [from, to, event] of events) {
    const source = byId.get(ids[from % ids.length] ?? 'random');
    if (!source) continue;
    const on = (source['on'] ??= {}) as Record<string, string>;
    on[event] = `#${ids[to % ids.length]}`;
  }
  return createMachine(rootConfig as Parameters<typeof createMachine>[0]);
}

describe('diagram layout and SVG', () => {
  it('nests every state of the five machines in its parent, siblings apart, one element per state', () => {
    for (const machine of [jobMachine, replicationMachine, filesystemMachine, prunerMachine, snapshotterMachine]) {
      const layout = layoutMachineGraph(machineGraph(machine));
      expectNested(layout.root);
      const svg = diagramSvg(layout);
      for (const b of boxes(layout.root)) expect(svg.split(`data-path="${b.state.path}"`).length - 1, b.state.path).toBe(1);
      expect(layout.edges.length).toBeGreaterThan(0);
    }
  });

  test.prop([specArb, fc.array(fc.tuple(fc.nat(), fc.nat(), keyArb), { maxLength: 12 })], { numRuns: 150 })(
    'lays out any machine nested and draws its names and events as text, never markup',
    (spec, events) => {
      const machine = buildMachine(spec, events);
      const layout = layoutMachineGraph(machineGraph(machine));
      expectNested(layout.root);
      const svg = diagramSvg(layout);
      for (const b of boxes(layout.root)) if (b.state.key.includes('<')) expect(svg).toContain(escapeMarkup(b.state.key));
      // Only the renderer's own elements: a name or an event never opens a tag.
      const tags = new Set([...svg.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1]));
      expect([...tags].every((t) => ['svg', 'g', 'rect', 'text', 'tspan', 'path', 'circle'].includes(t ?? ''))).toBe(true);
      expect(svg).not.toMatch(/<(script|img)/i);
    },
  );

  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
