/**
 * How a replication cursor is stored, shared by every endpoint implementation.
 *
 * The cursor marks, per filesystem and job, the newest snapshot known to be on the receiver. Where
 * bookmarks exist it is a bookmark named like zrepl's (`#xrepl_CURSOR_G_<guid hex>_J_<job>`), which
 * survives the destruction of its snapshot and still serves as an incremental base. Where they do
 * not (zfs-fuse), it is a user property on the snapshot itself.
 */

/** The prefix of every cursor bookmark's name. */
export const CURSOR_BOOKMARK_PREFIX = 'xrepl_CURSOR_G_';

/** Job ids become part of ZFS names and property names; keep them to a safe alphabet. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless the job id can be used in a bookmark and property name. */
export function assertJobId(jobId: string): void {
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new TypeError(`invalid job name ${JSON.stringify(jobId)}: use 1 to 64 letters, digits, "_" or "-"`);
  }
}

/** The bookmark name (without `fs#`) of a job's cursor at a snapshot with this guid. */
export function cursorBookmarkName(guid: bigint, jobId: string): string {
  assertJobId(jobId);
  return `${CURSOR_BOOKMARK_PREFIX}${guid.toString(16).padStart(16, '0')}_J_${jobId}`;
}

/** The guid and job id encoded in a cursor bookmark name, or undefined for any other name. */
export function parseCursorBookmarkName(name: string): { guid: bigint; jobId: string } | undefined {
  const m = /^xrepl_CURSOR_G_([0-9a-f]{16})_J_([A-Za-z0-9_-]{1,64})$/.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { guid: BigInt(`0x${m[1]}`), jobId: m[2] };
}

/**
 * The user property that marks a job's cursor snapshot where bookmarks are missing. ZFS user
 * property names are lower case, so an upper-case letter is written `_` and the letter, and `_`
 * itself `__`: every job gets its own name (`A` → `_a`, `_a` → `__a`).
 */
export function cursorPropertyName(jobId: string): string {
  assertJobId(jobId);
  return `xrepl:cursor.${jobId.replace(/[A-Z_]/g, (c) => (c === '_' ? '__' : `_${c.toLowerCase()}`))}`;
}

/** The user property xrepl sets on the placeholder parents it creates on a receiver. */
export const PLACEHOLDER_PROPERTY = 'xrepl:placeholder';
