import type { FaultEffect } from '../endpoint/memory/faults.js';
import { type MemoryPool, createMemoryPool } from '../endpoint/memory/memory-pool.js';
import type { FaultEntry, MemoryPoolEntry } from './config-schema.js';

/** Options of {@link createMemoryPoolsFromConfig}. */
export interface MemoryPoolsFromConfigOptions {
  /** Guid seed of the first pool (the next pools count up from it); random when absent. */
  seed?: number | undefined;
}

/**
 * Builds the memory pools a configuration declares (`memory_pools:`): each filesystem is created
 * with its parents, and before each listed snapshot a new file of `bytes_per_snapshot` bytes is
 * written, so every snapshot carries content of its own. Faults are armed last, so building the
 * pools never trips them.
 */
export function createMemoryPoolsFromConfig(
  entries: Readonly<Record<string, MemoryPoolEntry>>,
  options: MemoryPoolsFromConfigOptions = {},
): Map<string, MemoryPool> {
  const pools = new Map<string, MemoryPool>();
  let seed = options.seed;
  for (const [name, entry] of Object.entries(entries)) {
    const pool = createMemoryPool(seed === undefined ? { name } : { name, seed });
    if (seed !== undefined) seed += 1;
    for (const [path, fs] of Object.entries(entry.filesystems)) {
      if (!pool.hasFilesystem(path)) pool.createFilesystem(path);
      const snapshots = fs?.snapshots ?? [];
      const size = fs?.bytes_per_snapshot ?? 4096;
      snapshots.forEach((snapshot, i) => {
        pool.write(path, `file-${i + 1}.txt`, demoContent(`${path}@${snapshot}`, size));
        pool.snapshot(path, snapshot);
      });
    }
    for (const fault of entry.faults) pool.faults.add(faultSpec(fault));
    pools.set(name, pool);
  }
  return pools;
}

function faultSpec(fault: FaultEntry): Parameters<MemoryPool['faults']['add']>[0] {
  return {
    call: fault.call,
    filesystem: fault.filesystem,
    times: fault.times === 'all' ? Infinity : fault.times,
    effect: faultEffect(fault),
  };
}

function faultEffect(fault: FaultEntry): FaultEffect {
  switch (fault.effect) {
    case 'error':
      return { type: 'error', errorClass: fault.error_class };
    case 'hang':
      return { type: 'hang' };
    case 'slow':
      return { type: 'slow', bytesPerChunk: fault.bytes_per_chunk, delayMs: fault.delay };
    case 'truncate':
      return { type: 'truncate', afterBytes: fault.after_bytes };
  }
}

/** Readable, deterministic file content of `size` bytes that names where it was written. */
export function demoContent(label: string, size: number): string {
  const line = `${label}: the quick brown fox jumps over the lazy dog\n`;
  return line.repeat(Math.ceil(size / line.length)).slice(0, size);
}
