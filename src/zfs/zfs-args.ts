import { assertDatasetName, InvalidDatasetNameError, type DatasetNameKind } from '../domain/dataset-name.js';
import { EndpointError } from '../domain/errors.js';

/**
 * Argument lists for every zfs command xrepl runs. Each builder validates the names it is given
 * before they reach a command line, so a bad name fails with `invalid-name` and runs nothing.
 */

/** Throws EndpointError kind `invalid-name` unless the name is valid as the given kind. */
export function checkName(name: string, kind: DatasetNameKind): string {
  try {
    assertDatasetName(name, kind);
  } catch (err) {
    if (err instanceof InvalidDatasetNameError) {
      throw new EndpointError(err.message, { kind: 'invalid-name', dataset: name, cause: err });
    }
    throw err;
  }
  return name;
}

/** User property names: `module:property`, lower case, as ZFS requires. */
const userPropertyPattern = /^[a-z0-9_.:+-]*:[a-z0-9_.:+-]*$/;

/** Throws EndpointError kind `invalid-name` unless the name is a ZFS user property name. */
export function checkUserProperty(property: string): string {
  if (!userPropertyPattern.test(property) || property.length > 255 || property.startsWith('-')) {
    throw new EndpointError(`invalid user property name ${JSON.stringify(property)}: use lower-case letters, digits, "_.:+-" and one ":"`, {
      kind: 'invalid-name',
    });
  }
  return property;
}

/** Hold tags: any printable text without a leading "-", shorter than ZFS's 256 bytes. */
export function checkHoldTag(tag: string): string {
  if (tag.length === 0 || tag.startsWith('-') || Buffer.byteLength(tag) >= 256 || /[\0-\x1f\x7f]/.test(tag)) {
    throw new EndpointError(`invalid hold tag ${JSON.stringify(tag)}: a tag is 1 to 255 printable bytes and does not start with "-"`, {
      kind: 'invalid-name',
    });
  }
  return tag;
}

/** The properties read per version when listing. */
export const VERSION_PROPERTIES = ['guid', 'createtxg', 'creation', 'userrefs'] as const;

/**
 * `zfs get` of version properties: recursively under each root, or (with depth 1) exactly the
 * given filesystems and their snapshots. No roots means every pool. `types` restricts the types
 * where `zfs get -t` exists (OpenZFS); zfs-fuse lacks it, so its output is filtered afterwards.
 */
export function getPropertiesArgs(options: {
  properties: readonly string[];
  roots: readonly string[];
  depth: 'recursive' | 1 | 0;
  withSource?: boolean;
  types?: readonly string[] | undefined;
}): string[] {
  for (const r of options.roots) checkName(r, 'any');
  const args = ['get', '-Hp'];
  if (options.depth === 'recursive') args.push('-r');
  else if (options.depth === 1) args.push('-d', '1');
  if (options.types !== undefined) args.push('-t', options.types.join(','));
  args.push('-o', options.withSource ? 'name,property,value,source' : 'name,property,value');
  args.push(options.properties.join(','), ...options.roots);
  return args;
}

/** `zfs list` of bookmarks with their identity, parsable (OpenZFS only). */
export function listBookmarksArgs(roots: readonly string[], depth: 'recursive' | 1): string[] {
  for (const r of roots) checkName(r, 'filesystem');
  return ['list', '-H', '-p', '-t', 'bookmark', '-o', 'name,guid,createtxg,creation', ...(depth === 1 ? ['-d', '1'] : ['-r']), ...roots];
}

/**
 * `zfs send` of one step: `-t token` to resume, `-i from` for an incremental, else a full send.
 * `flags` are the job's send options (`-w`, `-p`, …); a resumed send takes none, as its token
 * carries them and zfs refuses `-p` and `-b` with `-t`.
 */
export function sendArgs(options: {
  filesystem: string;
  from?: string | undefined;
  to?: string | undefined;
  resumeToken?: string | undefined;
  dryRunEstimate?: boolean;
  flags?: readonly string[] | undefined;
}): string[] {
  const args = ['send'];
  if (options.dryRunEstimate) args.push('-n', '-v', '-P');
  if (options.resumeToken !== undefined) {
    if (!/^[0-9a-zA-Z-]+$/.test(options.resumeToken)) {
      throw new EndpointError(`invalid resume token ${JSON.stringify(options.resumeToken.slice(0, 40))}`, {
        kind: 'invalid-name',
        dataset: options.filesystem,
      });
    }
    args.push('-t', options.resumeToken);
    return args;
  }
  checkName(options.filesystem, 'filesystem');
  if (options.to === undefined) throw new TypeError('send needs the snapshot to send');
  for (const flag of options.flags ?? []) {
    if (!/^-[wpbLce]$/.test(flag)) throw new TypeError(`not a send option flag: ${flag}`);
    args.push(flag);
  }
  if (options.from !== undefined) args.push('-i', checkName(options.from, 'any'));
  args.push(checkName(options.to, 'snapshot'));
  return args;
}

/**
 * `zfs receive -u` (never mount); `-F` only to replace what xrepl itself left there (a placeholder,
 * an interrupted receive); `-s` to keep a resume token; `-o canmount=noauto` where zfs takes
 * `receive -o`, so that a received filesystem never mounts on its own (a mount changes it, and the
 * next incremental then fails with "destination has been modified").
 */
export function receiveArgs(
  target: string,
  options: { force: boolean; resumable: boolean; canmountNoauto?: boolean | undefined; properties?: readonly string[] | undefined },
): string[] {
  checkName(target, 'any');
  const args = ['receive', '-u'];
  if (options.force) args.push('-F');
  if (options.resumable) args.push('-s');
  const properties = options.properties ?? [];
  // An operator's own canmount override (off or noauto, never on) replaces xrepl's.
  if (options.canmountNoauto === true && !properties.some((p) => p.startsWith('canmount='))) args.push('-o', 'canmount=noauto');
  args.push(...properties);
  args.push(target);
  return args;
}

/** `zfs snapshot` of one or several `fs@name` (several only where zfs accepts them). */
export function snapshotArgs(snapshots: readonly string[]): string[] {
  for (const s of snapshots) checkName(s, 'snapshot');
  return ['snapshot', ...snapshots];
}

/** `zfs destroy` of snapshots of one filesystem: `fs@a` or, where supported, `fs@a,b,c`. */
export function destroySnapshotsArgs(filesystem: string, snapshots: readonly string[], options: { verbose?: boolean } = {}): string[] {
  checkName(filesystem, 'filesystem');
  if (snapshots.length === 0) throw new TypeError('destroy needs at least one snapshot');
  for (const s of snapshots) checkName(`${filesystem}@${s}`, 'snapshot');
  return ['destroy', ...(options.verbose === true ? ['-v'] : []), `${filesystem}@${snapshots.join(',')}`];
}

/** `zfs destroy fs#bookmark`. */
export function destroyBookmarkArgs(bookmark: string): string[] {
  return ['destroy', checkName(bookmark, 'bookmark')];
}

/** `zfs bookmark fs@snap fs#book`. */
export function bookmarkArgs(source: string, bookmark: string): string[] {
  return ['bookmark', checkName(source, 'any'), checkName(bookmark, 'bookmark')];
}

/** `zfs hold tag fs@snap`. */
export function holdArgs(tag: string, snapshot: string): string[] {
  return ['hold', checkHoldTag(tag), checkName(snapshot, 'snapshot')];
}

/** `zfs release tag fs@snap`. */
export function releaseArgs(tag: string, snapshot: string): string[] {
  return ['release', checkHoldTag(tag), checkName(snapshot, 'snapshot')];
}

/** `zfs holds -H fs@snap` (OpenZFS; zfs-fuse's holds is broken). */
export function listHoldsArgs(snapshots: readonly string[]): string[] {
  for (const s of snapshots) checkName(s, 'snapshot');
  return ['holds', '-H', ...snapshots];
}

/** `zfs set property=value dataset`, for xrepl's user properties and canmount. */
export function setPropertyArgs(property: string, value: string, dataset: string): string[] {
  if (property !== 'canmount') checkUserProperty(property);
  if (/[\0\n]/.test(value)) throw new EndpointError(`invalid value for ${property}`, { kind: 'invalid-name', dataset });
  return ['set', `${property}=${value}`, checkName(dataset, 'any')];
}

/** `zfs inherit property dataset`: removes a local user property. */
export function inheritPropertyArgs(property: string, dataset: string): string[] {
  return ['inherit', checkUserProperty(property), checkName(dataset, 'any')];
}

/**
 * `zfs create` of a placeholder: never mounted (`canmount=off`, which zfs-fuse needs because it
 * lacks `create -u`, and which children do not inherit) and marked with the placeholder property;
 * `encryptionOff` (recv.placeholder.encryption: off) makes it unencrypted under an encrypted parent.
 */
export function createPlaceholderArgs(filesystem: string, placeholderProperty: string, options: { encryptionOff?: boolean | undefined } = {}): string[] {
  checkName(filesystem, 'filesystem');
  const encryption = options.encryptionOff === true ? ['-o', 'encryption=off'] : [];
  return ['create', '-o', 'canmount=off', ...encryption, '-o', `${checkUserProperty(placeholderProperty)}=on`, filesystem];
}

/** `zfs` with no arguments: prints the usage of every subcommand, which tells what this zfs supports. */
export function usageArgs(): string[] {
  return [];
}
