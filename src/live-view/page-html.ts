import { escapeMarkup } from './escape-markup.js';
import type { MachineDiagram } from './machine-diagrams.js';

/** Paths the live view serves. */
export const LIVE_VIEW_PATHS = {
  page: '/',
  script: '/live-view.js',
  style: '/live-view.css',
  events: '/events',
  state: '/state',
} as const;

/**
 * The page's HTML: the diagrams as templates the script clones once per job, and an empty body
 * the script fills from the event stream. Everything it loads comes from the same server.
 */
export function livePageHtml(diagrams: readonly MachineDiagram[], title: string): string {
  const templates = diagrams.map((d) => `<template data-diagram="${escapeMarkup(d.machine)}">${d.svg}</template>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(title)}</title>
<link rel="stylesheet" href="${LIVE_VIEW_PATHS.style}">
<script src="${LIVE_VIEW_PATHS.script}" defer></script>
</head>
<body>
<header><h1>${escapeMarkup(title)}</h1><span id="lv-connection" class="lv-connection" data-state="connecting">connecting</span></header>
<svg class="lv-defs" width="0" height="0" aria-hidden="true"><defs><marker id="lv-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs></svg>
<main id="lv-jobs"></main>
${templates}
</body>
</html>
`;
}
