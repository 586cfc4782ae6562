import type { FilesystemEntry } from './filesystem-entry.js';

/** Entries per chunk: replacing one entry copies one chunk and the chunk index, O(√n) for n ≈ 10,000. */
const CHUNK_SIZE = 128;

/**
 * The replication machine's per-filesystem entries as an immutable table. Replacing an entry copies
 * one chunk, not the whole list: a run over 10,000 filesystems replaces entries tens of thousands of
 * times, and copying the whole list each time made the run quadratic.
 */
export class EntryTable {
  private constructor(
    private readonly chunks: readonly (readonly FilesystemEntry[])[],
    /** Number of entries. */
    readonly length: number,
  ) {}

  /** A table holding the entries in order. */
  static from(entries: readonly FilesystemEntry[]): EntryTable {
    const chunks: FilesystemEntry[][] = [];
    for (let i = 0; i < entries.length; i += CHUNK_SIZE) chunks.push(entries.slice(i, i + CHUNK_SIZE));
    return new EntryTable(chunks, entries.length);
  }

  /** The entry at an index, or undefined outside the table. */
  get(index: number): FilesystemEntry | undefined {
    return this.chunks[Math.floor(index / CHUNK_SIZE)]?.[index % CHUNK_SIZE];
  }

  /** A table with the entry at `index` replaced. */
  with(index: number, entry: FilesystemEntry): EntryTable {
    const c = Math.floor(index / CHUNK_SIZE);
    const chunk = this.chunks[c];
    if (!chunk || index < 0 || index >= this.length) throw new RangeError(`entry index ${index} outside 0..${this.length - 1}`);
    const chunks = this.chunks.slice();
    const copy = chunk.slice();
    copy[index % CHUNK_SIZE] = entry;
    chunks[c] = copy;
    return new EntryTable(chunks, this.length);
  }

  /** The entries as a new array, in order. */
  toArray(): FilesystemEntry[] {
    return this.chunks.flat();
  }
}
