import type { ListedVersion, VersionType } from '../domain/version.js';
import { compareVersions } from '../domain/version.js';
import type { PropertyRow } from './property-rows.js';
import { unexpectedOutput } from './unexpected-output.js';

/** A dataset name split into its filesystem and, for a snapshot or bookmark, its version. */
export function splitDatasetName(name: string): { filesystem: string; type?: VersionType; version?: string } {
  const at = name.indexOf('@');
  const hash = name.indexOf('#');
  if (at >= 0) return { filesystem: name.slice(0, at), type: 'snapshot', version: name.slice(at + 1) };
  if (hash >= 0) return { filesystem: name.slice(0, hash), type: 'bookmark', version: name.slice(hash + 1) };
  return { filesystem: name };
}

/** A uint64 as zfs prints it with `-p`, parsed exactly. */
export function parseUint64(value: string, command: readonly string[], line: string): bigint {
  if (!/^[0-9]{1,20}$/.test(value)) throw unexpectedOutput(command, line, 'expected an unsigned integer');
  const n = BigInt(value);
  if (n >= 1n << 64n) throw unexpectedOutput(command, line, 'integer does not fit in 64 bits');
  return n;
}

/** Epoch seconds as zfs prints `creation` with `-p`. */
export function parseEpochSeconds(value: string, command: readonly string[], line: string): Date {
  if (!/^[0-9]{1,15}$/.test(value)) throw unexpectedOutput(command, line, 'expected the creation time in epoch seconds (zfs get -p)');
  return new Date(Number(value) * 1000);
}

function rowLine(row: PropertyRow): string {
  return `${row.name}\t${row.property}\t${row.value}`;
}

/**
 * Builds the versions of every filesystem from `zfs get -Hp -o name,property,value
 * guid,createtxg,creation,userrefs` rows. Every filesystem that appears gets an entry (empty when
 * it has no versions); versions come sorted by {@link compareVersions}. A version missing one of
 * the properties, or with a malformed value, throws `unexpected-output`.
 */
export function versionsFromRows(rows: readonly PropertyRow[], command: readonly string[]): Map<string, ListedVersion[]> {
  const result = new Map<string, ListedVersion[]>();
  const partial = new Map<string, { fs: string; type: VersionType; version: string; values: Map<string, PropertyRow> }>();
  for (const row of rows) {
    const split = splitDatasetName(row.name);
    if (!result.has(split.filesystem)) result.set(split.filesystem, []);
    if (split.type === undefined || split.version === undefined) continue;
    let entry = partial.get(row.name);
    if (entry === undefined) {
      entry = { fs: split.filesystem, type: split.type, version: split.version, values: new Map() };
      partial.set(row.name, entry);
    }
    entry.values.set(row.property, row);
  }
  for (const [name, entry] of partial) {
    const need = (property: string): PropertyRow => {
      const row = entry.values.get(property);
      if (row === undefined) throw unexpectedOutput(command, name, `no ${property} for this version`);
      return row;
    };
    const guid = need('guid');
    const txg = need('createtxg');
    const creation = need('creation');
    const userRefsRow = entry.values.get('userrefs');
    let userRefs = 0;
    if (userRefsRow !== undefined && userRefsRow.value !== '-') {
      if (!/^[0-9]+$/.test(userRefsRow.value)) throw unexpectedOutput(command, rowLine(userRefsRow), 'expected a hold count');
      userRefs = Number(userRefsRow.value);
    }
    result.get(entry.fs)?.push({
      type: entry.type,
      name: entry.version,
      guid: parseUint64(guid.value, command, rowLine(guid)),
      createTxg: parseUint64(txg.value, command, rowLine(txg)),
      creation: parseEpochSeconds(creation.value, command, rowLine(creation)),
      userRefs,
    });
  }
  for (const list of result.values()) list.sort(compareVersions);
  return result;
}
