import { isSameOrBelow, parentFilesystem } from '../domain/dataset-name.js';

/**
 * The filesystems a receiver's planning listing showed under its roots, plus those its own
 * receives created since. It answers one question: may a full receive into a filesystem go
 * straight to `zfs recv`, without the `zfs get` that looks for the target and its parents first
 * (one process per new filesystem)? Only when the listing covers the target, shows it absent, and
 * shows every parent present. A stale answer is safe: `zfs recv` without `-F` refuses a target
 * that appeared meanwhile and fails for a parent that vanished, and the endpoint then forgets
 * what it knew and looks again.
 */
export interface KnownFilesystems {
  /** The listing's roots; empty when it listed every pool. */
  readonly roots: readonly string[];
  /** Every filesystem (placeholders included) the listing showed or a receive created since. */
  readonly paths: Set<string>;
}

/** What a listing of `roots` showed. */
export function knownFromListing(roots: readonly string[], paths: Iterable<string>): KnownFilesystems {
  return { roots: [...roots], paths: new Set(paths) };
}

/** True when the listing looked at this path (it is a root, below one, or every pool was listed). */
function covered(known: KnownFilesystems, path: string): boolean {
  return known.roots.length === 0 || known.roots.some((root) => isSameOrBelow(path, root));
}

/** True when the path exists as far as the listing knows: listed, or an ancestor of a listed root. */
function present(known: KnownFilesystems, path: string): boolean {
  if (known.paths.has(path)) return true;
  return known.roots.some((root) => root.startsWith(`${path}/`) && known.paths.has(root));
}

/** True when a full receive into `filesystem` needs no look first: absent, with every parent present. */
export function receivesIntoNewFilesystem(known: KnownFilesystems, filesystem: string): boolean {
  if (!covered(known, filesystem) || known.paths.has(filesystem)) return false;
  const parent = parentFilesystem(filesystem);
  // A pool itself is never received into; its parents up to the pool must all be there.
  return parent !== undefined && present(known, parent);
}

/** Records a filesystem that a receive created, and so its parents (placeholders made for it). */
export function rememberReceived(known: KnownFilesystems, filesystem: string): void {
  for (let path: string | undefined = filesystem; path !== undefined && covered(known, path) && !known.paths.has(path); path = parentFilesystem(path)) {
    known.paths.add(path);
  }
}
