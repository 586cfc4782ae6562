import { outputLines, unexpectedOutput } from './unexpected-output.js';

/** One row of `zfs get -H -o name,property,value[,source]`. */
export interface PropertyRow {
  name: string;
  property: string;
  value: string;
  /** Present when the source column was requested: `local`, `default`, `-`, `inherited from X`, ... */
  source?: string;
}

/** How rows are read: the command (for errors), the properties asked for, whether a source column follows. */
export interface PropertyRowOptions {
  command: readonly string[];
  properties: readonly string[];
  withSource: boolean;
}

/**
 * Parses one line of `zfs get -H` output, or returns undefined for an empty one. Columns are
 * tab-separated, but a dataset name may hold spaces (and a user property's value may hold tabs), so
 * a row is not split blindly: the property column is found as the first `\t<requested property>\t`,
 * the name is everything before it, and with a source column the source is `inherited from ...` or
 * the last field. A line that does not fit throws `unexpected-output` naming the command and the line.
 */
export function parsePropertyRow(rawLine: string, options: PropertyRowOptions): PropertyRow | undefined {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (line.length === 0) return undefined;
  let best: { index: number; property: string } | undefined;
  for (const property of options.properties) {
    const index = line.indexOf(`\t${property}\t`);
    if (index > 0 && (best === undefined || index < best.index)) best = { index, property };
  }
  if (best === undefined) throw unexpectedOutput(options.command, line, `no column names one of ${options.properties.join(', ')}`);
  const name = line.slice(0, best.index);
  const rest = line.slice(best.index + best.property.length + 2);
  if (!options.withSource) return { name, property: best.property, value: rest };
  const inherited = /\t(inherited from .*)$/.exec(rest);
  const cut = inherited ? inherited.index : rest.lastIndexOf('\t');
  if (cut < 0) throw unexpectedOutput(options.command, line, 'expected a value and a source column');
  const source = inherited?.[1] ?? rest.slice(cut + 1);
  return { name, property: best.property, value: rest.slice(0, cut), source };
}

/** Parses whole `zfs get -H` output, line by line with {@link parsePropertyRow}. */
export function parsePropertyRows(stdout: string, options: PropertyRowOptions): PropertyRow[] {
  const rows: PropertyRow[] = [];
  for (const line of outputLines(stdout)) {
    const row = parsePropertyRow(line, options);
    if (row !== undefined) rows.push(row);
  }
  return rows;
}
