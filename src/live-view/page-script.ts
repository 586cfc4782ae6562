/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { StateValue } from 'xstate';
import type { ActorState } from './actor-states.js';
import type { LiveMessage } from './live-messages.js';
import type { LiveReport } from './live-report.js';

/** What the page script is started with. */
export interface LivePageOptions {
  eventsPath: string;
  /** The most transitions the list keeps (older ones are dropped: a page open for days stays small). */
  maxTransitions: number;
  /** The machines whose diagrams every job shows, in order. */
  machines: string[];
}

/**
 * The page's script, run in the browser: served as this function's source, so it must not use
 * anything from outside its body. It draws nothing itself: it clones the server's diagrams once
 * per job and then only toggles classes and sets text (`textContent`, never markup: dataset
 * names and error messages reach the page).
 */
export function livePageMain(options: LivePageOptions): void {
  interface DiagramView {
    box: HTMLElement;
    actorsLine: HTMLElement;
    states: SVGGElement[];
  }
  interface JobView {
    section: HTMLElement;
    summary: HTMLElement;
    diagrams: Map<string, DiagramView>;
    filesystems: HTMLTableSectionElement;
    transitions: HTMLOListElement;
    actors: Map<string, ActorState>;
  }
  const byId = (id: string): HTMLElement => {
    const found = document.getElementById(id);
    if (!found) throw new Error(`live view: the page has no #${id}`);
    return found;
  };
  const jobsRoot = byId('lv-jobs');
  const connection = byId('lv-connection');
  const templates = new Map<string, HTMLTemplateElement>();
  for (const t of document.querySelectorAll<HTMLTemplateElement>('template[data-diagram]')) templates.set(t.dataset['diagram'] ?? '', t);
  const views = new Map<string, JobView>();

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    if (className !== undefined) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // Active state paths of a value: every level, so a compound state is lit with its child.
  const statePaths = (value: StateValue, prefix: string): string[] => {
    if (typeof value === 'string') return [prefix + value];
    return Object.entries(value).flatMap(([key, child]) => (child === undefined ? [] : [prefix + key, ...statePaths(child, `${prefix}${key}.`)]));
  };
  const leafPaths = (value: StateValue, prefix: string): string[] => {
    if (typeof value === 'string') return [prefix + value];
    return Object.entries(value).flatMap(([key, child]) => (child === undefined ? [] : leafPaths(child, `${prefix}${key}.`)));
  };
  const describe = (value: StateValue): string => leafPaths(value, '').join(', ');

  const jobView = (name: string): JobView => {
    const existing = views.get(name);
    if (existing) return existing;
    const section = el('section', 'lv-job');
    section.dataset['job'] = name;
    section.append(el('h2', undefined, `job ${name}`));
    const summary = el('div', 'lv-job-summary');
    section.append(summary);
    const diagramsBox = el('div', 'lv-diagrams');
    const diagrams = new Map<string, DiagramView>();
    for (const machine of options.machines) {
      const template = templates.get(machine);
      if (!template) continue;
      const box = el('div', 'lv-diagram-box');
      box.dataset['machine'] = machine;
      const actorsLine = el('p', 'lv-actors');
      box.append(actorsLine, template.content.cloneNode(true));
      diagramsBox.append(box);
      const states = [...box.querySelectorAll<SVGGElement>('g.lv-state:not(.lv-root)')];
      diagrams.set(machine, { box, actorsLine, states });
    }
    const panels = el('div', 'lv-panels');
    const fsSection = el('section');
    fsSection.append(el('h3', undefined, 'filesystems'));
    const table = el('table', 'lv-filesystems');
    const head = el('thead');
    const headRow = el('tr');
    for (const title of ['filesystem', 'state', 'bytes', 'problem']) headRow.append(el('th', undefined, title));
    head.append(headRow);
    const filesystems = el('tbody');
    table.append(head, filesystems);
    fsSection.append(table);
    const trSection = el('section');
    trSection.append(el('h3', undefined, 'recent transitions'));
    const transitions = el('ol', 'lv-transitions');
    trSection.append(transitions);
    panels.append(fsSection, trSection);
    // The panels first: what each filesystem does, then the machines that do it.
    section.append(panels, diagramsBox);
    jobsRoot.append(section);
    const view: JobView = { section, summary, diagrams, filesystems, transitions, actors: new Map() };
    views.set(name, view);
    return view;
  };

  const renderStates = (view: JobView): void => {
    for (const [machine, diagram] of view.diagrams) {
      const actors = [...view.actors.values()].filter((a) => a.machine === machine);
      const counts = new Map<string, number>();
      for (const a of actors) for (const path of statePaths(a.value, '')) counts.set(path, (counts.get(path) ?? 0) + 1);
      for (const g of diagram.states) {
        const n = counts.get(g.dataset['path'] ?? '') ?? 0;
        g.classList.toggle('lv-active', n > 0);
        const badge = g.querySelector('.lv-count');
        if (badge) badge.textContent = n > 1 ? `×${n}` : '';
      }
      const names = actors.map((a) => a.path.split('/').slice(1).join('/') || a.path);
      diagram.actorsLine.textContent = `${machine}: ${names.length === 0 ? 'no actor running' : names.join(', ')}`;
      if (machine === 'snapshotter') diagram.box.hidden = actors.length === 0;
    }
  };

  const formatBytes = (bytes: number): string => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
  };

  const renderReport = (view: JobView, report: LiveReport): void => {
    const invocation = report.invocation;
    const parts = [`state ${report.state}`, `watchdog ${report.watchdog}`];
    if (invocation) parts.push(`invocation ${invocation.number}${invocation.running ? ' running' : invocation.ok ? ' ok' : ' with problems'}`);
    if (report.sleepUntil !== undefined) parts.push(`next at ${report.sleepUntil}`);
    if (report.problem !== undefined) parts.push(`problem: ${report.problem}`);
    view.summary.textContent = parts.join(' · ');
    const rows = report.filesystems.map((fs) => {
      const row = el('tr');
      row.dataset['filesystem'] = fs.filesystem;
      const bytes = fs.expectedBytes === undefined ? formatBytes(fs.bytes) : `${formatBytes(fs.bytes)} of ${formatBytes(fs.expectedBytes)}`;
      row.append(el('td', undefined, fs.filesystem), el('td', undefined, fs.state), el('td', undefined, bytes), el('td', 'lv-problem', fs.problem ?? ''));
      return row;
    });
    view.filesystems.replaceChildren(...rows);
  };

  const addTransition = (view: JobView, path: string, text: string): void => {
    const item = el('li', undefined, `${new Date().toISOString().slice(11, 23)} ${path}: ${text}`);
    view.transitions.prepend(item);
    while (view.transitions.childElementCount > options.maxTransitions) view.transitions.lastElementChild?.remove();
  };

  const handle = (message: LiveMessage): void => {
    if (message.type === 'hello') {
      const names = new Set(message.jobs.map((j) => j.job));
      for (const [name, view] of views) {
        if (names.has(name)) continue;
        view.section.remove();
        views.delete(name);
      }
      for (const job of message.jobs) {
        const view = jobView(job.job);
        view.actors = new Map(job.actors.map((a) => [a.path, a]));
        renderStates(view);
        renderReport(view, job.report);
      }
      return;
    }
    const view = jobView(message.job);
    if (message.type === 'report') {
      renderReport(view, message.report);
      return;
    }
    for (const path of message.removed) {
      view.actors.delete(path);
      addTransition(view, path, 'stopped');
    }
    for (const actor of message.set) {
      const previous = view.actors.get(actor.path);
      view.actors.set(actor.path, actor);
      addTransition(view, actor.path, previous ? `${describe(previous.value)} → ${describe(actor.value)}` : `started in ${describe(actor.value)}`);
    }
    renderStates(view);
  };

  const setConnection = (state: string): void => {
    connection.dataset['state'] = state;
    connection.textContent = state;
  };
  const events = new EventSource(options.eventsPath);
  events.onopen = () => setConnection('live');
  // The browser reconnects by itself; the next hello replaces whatever was missed.
  events.onerror = () => setConnection('lost');
  events.onmessage = (event: MessageEvent<string>) => handle(JSON.parse(event.data) as LiveMessage);
}
