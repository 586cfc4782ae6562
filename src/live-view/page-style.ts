/** The page's stylesheet (served as a file: the page's CSP allows no inline style). */
export const LIVE_PAGE_CSS = `
body { font: 14px system-ui, sans-serif; margin: 0; color: #1d2330; background: #f4f5f7; }
header { display: flex; align-items: baseline; gap: 1em; padding: 0.6em 1em; background: #1d2330; color: #fff; }
header h1 { font-size: 1.1em; margin: 0; }
.lv-connection { font-size: 0.85em; padding: 0.1em 0.6em; border-radius: 1em; background: #777; }
.lv-connection[data-state="live"] { background: #2e7d32; }
.lv-connection[data-state="lost"] { background: #c62828; }
.lv-defs { position: absolute; }
.lv-job { margin: 1em; padding: 0.8em 1em; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
.lv-job h2 { font-size: 1.05em; margin: 0 0 0.5em; }
.lv-job-summary { font-family: monospace; color: #445; }
.lv-diagrams { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.lv-diagram-box { border: 1px solid #dde; border-radius: 6px; padding: 0.3em; overflow: auto; max-width: 100%; }
.lv-diagram-box h3 { font-size: 0.9em; margin: 0.2em 0.4em; font-family: monospace; }
.lv-actors { font-family: monospace; font-size: 0.8em; color: #556; margin: 0.2em 0.5em 0.3em; min-height: 1em; }
.lv-diagram text { font: 11px monospace; fill: #223; }
.lv-diagram .lv-edge-label { font-size: 10px; fill: #445; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.lv-diagram .lv-invoke { fill: #6a4c93; }
.lv-state > rect { fill: #fff; stroke: #8a93a6; stroke-width: 1; }
.lv-state.lv-root > rect { fill: #fafbfc; stroke: #c5cad3; }
.lv-state.lv-compound > rect, .lv-state.lv-parallel > rect { fill: #f6f7fb; }
.lv-parallel > .lv-state > rect { stroke-dasharray: 4 3; }
.lv-state .lv-final-inner { fill: none; }
.lv-state.lv-tag-error > rect { stroke: #c62828; }
.lv-state.lv-tag-wait > rect { stroke: #b26a00; }
.lv-state.lv-active > rect { fill: #ffe082; stroke: #e65100; stroke-width: 2.5; }
.lv-state.lv-active.lv-compound > rect, .lv-state.lv-active.lv-parallel > rect { fill: #fff8e1; }
.lv-state .lv-count { font-weight: bold; fill: #e65100; }
.lv-edge { fill: none; stroke: #8a93a6; stroke-width: 1; }
.lv-pseudo { fill: #223; }
.lv-pseudo.lv-any { fill: #fff; stroke: #223; }
#lv-arrow path { fill: #8a93a6; }
.lv-panels { display: flex; flex-wrap: wrap; gap: 1em; margin: 0.6em 0; }
.lv-panels > section { flex: 1 1 24em; min-width: 0; }
.lv-panels h3 { font-size: 0.9em; margin: 0.2em 0; }
table.lv-filesystems { border-collapse: collapse; width: 100%; font-size: 0.85em; }
table.lv-filesystems th, table.lv-filesystems td { text-align: left; padding: 0.15em 0.5em; border-bottom: 1px solid #eee; font-family: monospace; word-break: break-all; }
table.lv-filesystems td.lv-problem { color: #c62828; }
ol.lv-transitions { font: 0.8em monospace; margin: 0; padding-left: 3em; max-height: 12em; overflow: auto; }
`;
