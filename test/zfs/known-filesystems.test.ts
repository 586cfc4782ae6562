import { describe, expect, it } from 'vitest';
import { knownFromListing, receivesIntoNewFilesystem, rememberReceived } from '../../src/zfs/known-filesystems.js';

describe('known filesystems of a receiver listing', () => {
  const known = () => knownFromListing(['pool/backup'], ['pool/backup', 'pool/backup/a', 'pool/backup/a/b']);

  it('lets a receive go straight to zfs recv only for an absent filesystem whose parent was listed', () => {
    const k = known();
    expect(receivesIntoNewFilesystem(k, 'pool/backup/a/c')).toBe(true);
    expect(receivesIntoNewFilesystem(k, 'pool/backup/new')).toBe(true);
    // Listed (it may hold data or be a placeholder): look first.
    expect(receivesIntoNewFilesystem(k, 'pool/backup/a/b')).toBe(false);
    // Its parent is missing: placeholders must be made first.
    expect(receivesIntoNewFilesystem(k, 'pool/backup/x/y')).toBe(false);
    // Outside what the listing covered: nothing is known.
    expect(receivesIntoNewFilesystem(k, 'pool/other/z')).toBe(false);
    expect(receivesIntoNewFilesystem(k, 'pool')).toBe(false);
  });

  it('counts the ancestors of a listed root as present, and knows nothing when the root was not listed', () => {
    const deep = knownFromListing(['pool/a/b'], ['pool/a/b']);
    expect(receivesIntoNewFilesystem(deep, 'pool/a/b/c')).toBe(true);
    const missingRoot = knownFromListing(['pool/a/b'], []);
    expect(receivesIntoNewFilesystem(missingRoot, 'pool/a/b/c')).toBe(false);
  });

  it('remembers what a receive created, with the parents made for it, within the listed roots only', () => {
    const k = known();
    rememberReceived(k, 'pool/backup/x/y');
    expect(receivesIntoNewFilesystem(k, 'pool/backup/x/y')).toBe(false);
    expect(receivesIntoNewFilesystem(k, 'pool/backup/x/z')).toBe(true);
    expect(receivesIntoNewFilesystem(k, 'pool/backup/x/y/child')).toBe(true);
    expect(k.paths.has('pool')).toBe(false);
  });

  it('covers every pool when the listing had no roots', () => {
    const all = knownFromListing([], ['tank', 'tank/a']);
    expect(receivesIntoNewFilesystem(all, 'tank/a/b')).toBe(true);
    expect(receivesIntoNewFilesystem(all, 'other/a')).toBe(false);
  });
});
