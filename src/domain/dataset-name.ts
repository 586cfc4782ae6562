/**
 * ZFS dataset naming rules, in one place: every name that reaches a command line or an endpoint
 * passes through here first.
 *
 * The rules follow OpenZFS's `zfs_namecheck.c`: components of letters, digits and `-_.: ` (space),
 * separated by `/`; a pool name starts with a letter and is not a reserved vdev word; at most one
 * `@` (snapshot) or `#` (bookmark) after the filesystem; no empty, `.` or `..` component; shorter
 * than 256 bytes. `%` (ZFS's temporary clone marker) is refused.
 */

/** What a name is expected to denote. */
export type DatasetNameKind = 'filesystem' | 'snapshot' | 'bookmark' | 'any';

/** ZFS_MAX_DATASET_NAME_LEN: a name must be shorter than this. */
export const MAX_DATASET_NAME_LENGTH = 256;

const componentPattern = /^[A-Za-z0-9_\-.: ]+$/;
const reservedPoolNames = new Set(['mirror', 'raidz', 'raidz1', 'raidz2', 'raidz3', 'draid', 'spare', 'log']);

/** Why a name is invalid, or undefined when it is valid. */
export function datasetNameProblem(name: string, kind: DatasetNameKind = 'any'): string | undefined {
  if (typeof name !== 'string') return `is not a string but ${typeof name}`;
  if (name.length === 0) return 'is empty';
  if (Buffer.byteLength(name, 'utf8') >= MAX_DATASET_NAME_LENGTH) {
    return `is ${Buffer.byteLength(name, 'utf8')} bytes long (ZFS allows at most ${MAX_DATASET_NAME_LENGTH - 1})`;
  }
  if (name.startsWith('-')) return 'starts with "-" and could be read as a command-line option';
  const at = name.indexOf('@');
  const hash = name.indexOf('#');
  if (at >= 0 && hash >= 0) return 'has both "@" and "#"';
  const sep = at >= 0 ? at : hash;
  const fsPart = sep >= 0 ? name.slice(0, sep) : name;
  const versionPart = sep >= 0 ? name.slice(sep + 1) : undefined;
  const actual: DatasetNameKind = at >= 0 ? 'snapshot' : hash >= 0 ? 'bookmark' : 'filesystem';
  if (kind !== 'any' && kind !== actual) {
    return `is a ${actual} name where a ${kind} name is expected`;
  }
  const fsProblem = filesystemPartProblem(fsPart);
  if (fsProblem) return fsProblem;
  if (versionPart !== undefined) {
    if (versionPart.length === 0) return `has an empty ${actual} name after "${name[sep]}"`;
    if (versionPart.includes('@') || versionPart.includes('#')) return `has more than one "@" or "#"`;
    // OpenZFS refuses "." and ".." as the last component, snapshot and bookmark names included.
    if (versionPart === '.' || versionPart === '..') return `has "${versionPart}" as its ${actual} name`;
    if (!componentPattern.test(versionPart)) {
      return `${actual} name "${versionPart}" has a character ZFS does not allow (${badCharacters(versionPart)})`;
    }
  }
  return undefined;
}

function filesystemPartProblem(fs: string): string | undefined {
  if (fs.length === 0) return 'has no pool name';
  if (fs.endsWith('/')) return 'ends with "/"';
  const components = fs.split('/');
  const pool = components[0] ?? '';
  if (!/^[A-Za-z]/.test(pool)) return `pool name "${pool}" must start with a letter`;
  if (reservedPoolNames.has(pool) || /^c[0-9]/.test(pool)) return `pool name "${pool}" is reserved by ZFS`;
  for (const c of components) {
    if (c.length === 0) return 'has an empty component ("//")';
    if (c === '.' || c === '..') return `has a "${c}" component`;
    if (!componentPattern.test(c)) return `component "${c}" has a character ZFS does not allow (${badCharacters(c)})`;
  }
  return undefined;
}

function badCharacters(s: string): string {
  const bad = [...new Set([...s].filter((ch) => !/[A-Za-z0-9_\-.: ]/.test(ch)))];
  return bad.map((ch) => JSON.stringify(ch)).join(', ');
}

/** True when ZFS would accept the name as the given kind. */
export function isValidDatasetName(name: string, kind: DatasetNameKind = 'any'): boolean {
  return datasetNameProblem(name, kind) === undefined;
}

/** Error thrown by {@link assertDatasetName}; carries the name and the reason. */
export class InvalidDatasetNameError extends Error {
  override readonly name = 'InvalidDatasetNameError';
  constructor(
    readonly datasetName: string,
    readonly reason: string,
  ) {
    super(`invalid dataset name ${JSON.stringify(datasetName)}: ${reason}`);
  }
}

/** Throws {@link InvalidDatasetNameError} unless the name is valid as the given kind. */
export function assertDatasetName(name: string, kind: DatasetNameKind = 'any'): void {
  const problem = datasetNameProblem(name, kind);
  if (problem !== undefined) throw new InvalidDatasetNameError(name, problem);
}

/** True when `child` is `parent` itself or lies below it (`tank/a/b` below `tank/a`, not `tank/ab`). */
export function isSameOrBelow(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent + '/');
}

/** The parent filesystem of a filesystem, or undefined for a pool's root. */
export function parentFilesystem(fs: string): string | undefined {
  const i = fs.lastIndexOf('/');
  return i < 0 ? undefined : fs.slice(0, i);
}
