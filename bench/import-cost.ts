/**
 * Cold import time of the library's entry points against XState alone: each sample is a fresh
 * `node` process that imports one specifier from the package root (the package resolves its own
 * name to dist/, so `npm run build` first) and reports how long the import took inside it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { markdownTable, median } from './lib/stats.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What is imported, in the order the table shows. */
export const IMPORT_SPECIFIERS = ['xstate', 'xrepl/machines', 'xrepl'] as const;

/** Options of {@link runImportCostBenchmark}. */
export interface ImportCostOptions {
  /** Fresh processes per specifier. */
  runs: number;
}

/** Milliseconds of each cold import, per specifier. */
export interface ImportCostResult {
  samples: Record<(typeof IMPORT_SPECIFIERS)[number], number[]>;
}

async function coldImportMs(specifier: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  const ms = Number(stdout);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`import(${specifier}) printed ${JSON.stringify(stdout)}, not a duration`);
  return ms;
}

/** Imports each specifier in `runs` fresh processes, interleaved so that load drifts hit all alike. */
export async function runImportCostBenchmark(options: ImportCostOptions): Promise<ImportCostResult> {
  const samples: ImportCostResult['samples'] = { xstate: [], 'xrepl/machines': [], xrepl: [] };
  for (let i = 0; i < options.runs; i += 1) {
    for (const specifier of IMPORT_SPECIFIERS) samples[specifier].push(await coldImportMs(specifier));
  }
  return { samples };
}

/** The markdown table of medians, and each against XState alone. */
export function describeImportCost(result: ImportCostResult): string {
  const base = median(result.samples.xstate);
  const rows = IMPORT_SPECIFIERS.map((s) => {
    const m = median(result.samples[s]);
    return [`\`import('${s}')\``, m.toFixed(1), (m / base).toFixed(2), String(result.samples[s].length)];
  });
  return markdownTable(['cold import', 'median ms', '× xstate', 'runs'], rows);
}
