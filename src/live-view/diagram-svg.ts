import { DIAGRAM_METRICS as M, type DiagramLayout, type PlacedState } from './diagram-layout.js';
import { escapeMarkup } from './escape-markup.js';

/**
 * Draws a laid-out diagram as SVG. Every state is a `<g class="lv-state" data-path="…">` the page
 * highlights by its path, with an empty `lv-count` text for the number of actors in it. Colours
 * come from the page's stylesheet (classes only, no inline styles: the page's CSP forbids them).
 */
export function diagramSvg(layout: DiagramLayout): string {
  const out: string[] = [];
  const margin = 4;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lv-diagram" data-machine="${escapeMarkup(layout.machine)}" ` +
      `width="${layout.width + 2 * margin}" height="${layout.height + 2 * margin}" ` +
      `viewBox="${-margin} ${-margin} ${layout.width + 2 * margin} ${layout.height + 2 * margin}" role="img" aria-label="${escapeMarkup(`${layout.machine} statechart`)}">`,
  );
  drawState(layout.root, out, true, layout.machine);
  for (const p of layout.pseudos) {
    out.push(`<circle class="lv-pseudo lv-${p.kind}" cx="${n(p.at.x)}" cy="${n(p.at.y)}" r="${M.pseudoRadius}"/>`);
  }
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join(' ');
    out.push(`<path class="lv-edge" d="${d}" marker-end="url(#lv-arrow)"/>`);
    if (e.lines.length === 0) continue;
    const top = e.label.y - (e.lines.length * M.labelLineHeight) / 2 + M.labelLineHeight * 0.8;
    const spans = e.lines.map((line, i) => `<tspan x="${n(e.label.x)}" y="${n(top + i * M.labelLineHeight)}">${escapeMarkup(line)}</tspan>`).join('');
    out.push(`<text class="lv-edge-label" text-anchor="middle">${spans}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

const n = (value: number): string => String(Math.round(value * 10) / 10);

function drawState(placed: PlacedState, out: string[], isRoot: boolean, machine: string): void {
  const { state } = placed;
  const classes = ['lv-state', `lv-${state.kind}`, ...(isRoot ? ['lv-root'] : []), ...state.tags.map((t) => `lv-tag-${t.replace(/[^A-Za-z0-9_-]/g, '_')}`)];
  out.push(`<g class="${classes.join(' ')}" data-path="${escapeMarkup(state.path)}">`);
  out.push(`<rect x="${n(placed.x)}" y="${n(placed.y)}" width="${n(placed.width)}" height="${n(placed.height)}" rx="6"/>`);
  if (state.kind === 'final') {
    out.push(`<rect class="lv-final-inner" x="${n(placed.x + 3)}" y="${n(placed.y + 3)}" width="${n(placed.width - 6)}" height="${n(placed.height - 6)}" rx="4"/>`);
  }
  const lines = [isRoot ? machine : state.key, ...state.invokes.map((i) => `invoke ${i}`)];
  const centred = state.children.length === 0;
  lines.forEach((line, i) => {
    const x = centred ? placed.x + placed.width / 2 : placed.x + M.padding;
    const y = placed.y + M.padding + (i + 0.8) * M.lineHeight;
    out.push(`<text class="${i === 0 ? 'lv-state-name' : 'lv-invoke'}" x="${n(x)}" y="${n(y)}"${centred ? ' text-anchor="middle"' : ''}>${escapeMarkup(line)}</text>`);
  });
  if (!isRoot) out.push(`<text class="lv-count" x="${n(placed.x + placed.width - 4)}" y="${n(placed.y + 11)}" text-anchor="end"></text>`);
  out.push('</g>');
  for (const child of placed.children) drawState(child, out, false, machine);
}
