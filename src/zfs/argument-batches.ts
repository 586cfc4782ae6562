/**
 * Splitting long zfs argument lists so that no command exceeds the system's limits. Locally, Linux
 * caps the whole argument list and environment at ARG_MAX (commonly 2 MiB) and one argument at
 * MAX_ARG_STRLEN (128 KiB). Over ssh every argument is quoted into the ONE remote command string,
 * which the remote sshd hands to a shell as a single argument, so the same 128 KiB bound applies
 * to all arguments together. One budget well under both serves either transport.
 */

/** Bytes of zfs arguments per command, quoting included: well under 128 KiB, the tightest limit above. */
export const MAX_COMMAND_ARGUMENT_BYTES = 100 * 1024;

/** What one argument costs in the remote command string: its bytes, two quotes and a separating space. */
export function argumentCost(arg: string): number {
  return Buffer.byteLength(arg, 'utf8') + 3;
}

/**
 * Splits items into consecutive batches whose costs add up to at most `budget`, in order. An item
 * that alone exceeds the budget gets a batch of its own (zfs names are at most 256 bytes, far
 * below any budget used here, so that never happens in practice).
 */
export function batchByCost<T>(items: readonly T[], cost: (item: T) => number, budget: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const c = cost(item);
    if (current.length > 0 && used + c > budget) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += c;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The pool of a dataset or snapshot name: everything before the first `/`, `@` or `#`. */
export function poolOf(name: string): string {
  const end = name.search(/[/@#]/);
  return end < 0 ? name : name.slice(0, end);
}

/**
 * Batches of `fs@snap` names for `zfs snapshot`: one pool per batch (OpenZFS refuses one call
 * across pools: "cannot create snapshots: snapshots must be in the same pool"), each batch within
 * the budget. Pools in the order they first appear, names in their given order.
 */
export function snapshotBatches(names: readonly string[], budget = MAX_COMMAND_ARGUMENT_BYTES): string[][] {
  const byPool = new Map<string, string[]>();
  for (const name of names) {
    const pool = poolOf(name);
    const list = byPool.get(pool);
    if (list === undefined) byPool.set(pool, [name]);
    else list.push(name);
  }
  // `snapshot` itself costs a word of the budget.
  return [...byPool.values()].flatMap((list) => batchByCost(list, argumentCost, budget - argumentCost('snapshot')));
}

/**
 * Batches of one filesystem's snapshot names for `zfs destroy fs@a,b,c`: the list is ONE argument,
 * `fs@` plus each name and a comma, so each batch stays within the budget (and thereby under
 * MAX_ARG_STRLEN as one argument).
 */
export function destroyBatches(filesystem: string, snapshots: readonly string[], budget = MAX_COMMAND_ARGUMENT_BYTES): string[][] {
  const fixed = argumentCost('destroy') + argumentCost('-v') + argumentCost(`${filesystem}@`);
  return batchByCost(snapshots, (s) => Buffer.byteLength(s, 'utf8') + 1, budget - fixed);
}
