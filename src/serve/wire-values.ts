/**
 * How endpoint values travel as JSON: bigints (guids, txgs) as decimal strings, dates as
 * milliseconds, maps as lists of pairs, errors as their kind, class and message. Every value read
 * from a peer goes through these zod schemas, on both sides: neither trusts the other's shapes.
 */
import { z } from 'zod';
import { EndpointError, type EndpointErrorKind } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';
import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
import type { EndpointCapabilities, EndpointListing, FilesystemInfo, ForeignCursor, ResumeTokenTarget } from '../endpoint/endpoint.js';

/** Longest dataset or version name read from a peer (ZFS's own limit is 255). */
const MAX_NAME = 1024;
/** Longest error message kept from a peer. */
const MAX_MESSAGE = 4096;

const name = z.string().max(MAX_NAME);
const u64 = z
  .string()
  .regex(/^\d{1,20}$/, { error: 'expected an unsigned integer as a decimal string' })
  .transform((text) => BigInt(text))
  .refine((value) => value < 1n << 64n, { error: 'exceeds 64 bits' });
const ms = z.number().int().min(-8.64e15).max(8.64e15);

/** A FilesystemVersion on the wire. */
export const versionSchema = z.strictObject({
  type: z.enum(['snapshot', 'bookmark']),
  name,
  guid: u64,
  createTxg: u64,
  creation: ms,
});

/** A ListedVersion on the wire. */
export const listedVersionSchema = z.strictObject({ ...versionSchema.shape, userRefs: z.number().int().min(0) });

/** The JSON form of a version. */
export function encodeVersion(v: FilesystemVersion): z.input<typeof versionSchema> {
  return { type: v.type, name: v.name, guid: v.guid.toString(), createTxg: v.createTxg.toString(), creation: v.creation.getTime() };
}

/** The JSON form of a listed version. */
export function encodeListedVersion(v: ListedVersion): z.input<typeof listedVersionSchema> {
  return { ...encodeVersion(v), userRefs: v.userRefs };
}

/** A version read from the wire. */
export function decodeVersion(v: z.output<typeof versionSchema>): FilesystemVersion {
  return { type: v.type, name: v.name, guid: v.guid, createTxg: v.createTxg, creation: new Date(v.creation) };
}

/** A listed version read from the wire. */
export function decodeListedVersion(v: z.output<typeof listedVersionSchema>): ListedVersion {
  return { ...decodeVersion(v), userRefs: v.userRefs };
}

/** Capabilities on the wire (the same shape). */
export const capabilitiesSchema = z.strictObject({
  sizeEstimates: z.boolean(),
  bookmarks: z.boolean(),
  resumableReceive: z.boolean(),
  holds: z.boolean(),
}) satisfies z.ZodType<EndpointCapabilities>;

/** A FilesystemInfo on the wire. */
export const filesystemInfoSchema = z.strictObject({
  path: name,
  placeholder: z.boolean(),
  resumeToken: z.string().max(65_536).optional(),
  resumeTokenGuid: u64.optional(),
  resumeTokenFromGuid: u64.optional(),
});

/** The JSON form of a FilesystemInfo. */
export function encodeFilesystemInfo(info: FilesystemInfo): z.input<typeof filesystemInfoSchema> {
  const out: z.input<typeof filesystemInfoSchema> = { path: info.path, placeholder: info.placeholder };
  if (info.resumeToken !== undefined) out.resumeToken = info.resumeToken;
  if (info.resumeTokenGuid !== undefined) out.resumeTokenGuid = info.resumeTokenGuid.toString();
  if (info.resumeTokenFromGuid !== undefined) out.resumeTokenFromGuid = info.resumeTokenFromGuid.toString();
  return out;
}

/** A FilesystemInfo read from the wire, without keys for absent fields (listings compare equal). */
export function decodeFilesystemInfo(info: z.output<typeof filesystemInfoSchema>): FilesystemInfo {
  const out: FilesystemInfo = { path: info.path, placeholder: info.placeholder };
  if (info.resumeToken !== undefined) out.resumeToken = info.resumeToken;
  if (info.resumeTokenGuid !== undefined) out.resumeTokenGuid = info.resumeTokenGuid;
  if (info.resumeTokenFromGuid !== undefined) out.resumeTokenFromGuid = info.resumeTokenFromGuid;
  return out;
}

/** A ForeignCursor on the wire. */
export const foreignCursorSchema = z.strictObject({ jobId: name, guid: u64, type: z.enum(['snapshot', 'bookmark']), name });

/** The JSON form of a foreign cursor. */
export function encodeForeignCursor(c: ForeignCursor): z.input<typeof foreignCursorSchema> {
  return { jobId: c.jobId, guid: c.guid.toString(), type: c.type, name: c.name };
}

/** A map keyed by filesystem, on the wire as a list of pairs. */
export function pairs<S extends z.ZodType>(value: S) {
  return z.array(z.tuple([name, value]));
}

/** The JSON form of a map keyed by filesystem. */
export function encodeMap<V, W>(map: ReadonlyMap<string, V>, encode: (value: V) => W): [string, W][] {
  return [...map].map(([key, value]) => [key, encode(value)]);
}

/** A map read from its pairs; a key sent twice is a protocol error, not a silent overwrite. */
export function decodeMap<V, W>(entries: readonly (readonly [string, V])[], decode: (value: V) => W): Map<string, W> {
  const out = new Map<string, W>();
  for (const [key, value] of entries) {
    if (out.has(key)) throw new EndpointError(`the peer listed ${printableLine(key)} twice`, { kind: 'unexpected-output' });
    out.set(key, decode(value));
  }
  return out;
}

/** An EndpointListing on the wire. */
export const listingSchema = z.strictObject({
  filesystems: z.array(filesystemInfoSchema),
  versions: pairs(z.array(listedVersionSchema)),
  cursors: pairs(versionSchema),
  foreignCursors: pairs(z.array(foreignCursorSchema)).optional(),
});

/** The JSON form of a listing. */
export function encodeListing(l: EndpointListing): z.input<typeof listingSchema> {
  const out: z.input<typeof listingSchema> = {
    filesystems: l.filesystems.map(encodeFilesystemInfo),
    versions: encodeMap(l.versions, (vs) => vs.map(encodeListedVersion)),
    cursors: encodeMap(l.cursors, encodeVersion),
  };
  if (l.foreignCursors !== undefined) out.foreignCursors = encodeMap(l.foreignCursors, (cs) => cs.map(encodeForeignCursor));
  return out;
}

/** A listing read from the wire. */
export function decodeListing(l: z.output<typeof listingSchema>): EndpointListing {
  const out: EndpointListing = {
    filesystems: l.filesystems.map(decodeFilesystemInfo),
    versions: decodeMap(l.versions, (vs) => vs.map(decodeListedVersion)),
    cursors: decodeMap(l.cursors, decodeVersion),
  };
  if (l.foreignCursors !== undefined) out.foreignCursors = decodeMap(l.foreignCursors, (cs) => cs);
  return out;
}

/** A ResumeTokenTarget on the wire. */
export const resumeTokenTargetSchema = z.strictObject({ filesystem: name, snapshot: name, toGuid: u64, fromGuid: u64.optional() });

/** The JSON form of a resume token's target. */
export function encodeResumeTokenTarget(t: ResumeTokenTarget): z.input<typeof resumeTokenTargetSchema> {
  return { filesystem: t.filesystem, snapshot: t.snapshot, toGuid: t.toGuid.toString(), ...(t.fromGuid === undefined ? {} : { fromGuid: t.fromGuid.toString() }) };
}

// Every kind, checked against the type both ways so that a new kind cannot be forgotten here.
const ERROR_KINDS = [
  'aborted', 'killed', 'connection-lost', 'timeout', 'dataset-busy', 'dataset-not-found', 'dataset-exists', 'snapshot-held',
  'stream-broken', 'stream-read-failed', 'stream-invalid', 'resume-token-stale', 'partial-receive-state', 'bookmark-exists',
  'snapshot-cloned', 'out-of-space', 'quota-exceeded', 'permission-denied', 'key-not-loaded', 'pool-suspended', 'zfs-unavailable',
  'zfs-not-found', 'output-too-large', 'incremental-base-mismatch', 'destination-modified', 'invalid-name', 'outside-root',
  'not-allowed', 'unsupported', 'unexpected-output', 'injected', 'unknown',
] as const satisfies readonly EndpointErrorKind[];
type MissingKind = Exclude<EndpointErrorKind, (typeof ERROR_KINDS)[number]>;
const allKindsListed: MissingKind extends never ? true : never = true;
void allKindsListed;

/** An error on the wire: a kind this build does not know arrives as `unknown`. */
export const errorSchema = z.strictObject({
  message: z.string().transform((text) => printableLine(text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text)),
  kind: z.string().max(64).transform((kind): EndpointErrorKind => ((ERROR_KINDS as readonly string[]).includes(kind) ? (kind as EndpointErrorKind) : 'unknown')),
  errorClass: z.enum(['transient', 'permanent']),
  dataset: name.optional(),
  hint: z.string().max(MAX_MESSAGE).optional(),
});

/** The JSON form of any thrown value; only an EndpointError's fields travel, never a stack. */
export function encodeError(error: unknown): z.input<typeof errorSchema> {
  if (error instanceof EndpointError) {
    return {
      message: error.message,
      kind: error.kind,
      errorClass: error.errorClass,
      ...(error.dataset === undefined ? {} : { dataset: error.dataset.slice(0, MAX_NAME) }),
      ...(error.hint === undefined ? {} : { hint: error.hint.slice(0, MAX_MESSAGE) }),
    };
  }
  return { message: error instanceof Error ? error.message : String(error), kind: 'unknown', errorClass: 'permanent' };
}

/** The EndpointError a peer reported, marked as the peer's so logs tell the sides apart. */
export function decodeError(e: z.output<typeof errorSchema>, peer: string): EndpointError {
  return new EndpointError(`${peer}: ${e.message}`, {
    kind: e.kind,
    errorClass: e.errorClass,
    ...(e.dataset === undefined ? {} : { dataset: e.dataset }),
    ...(e.hint === undefined ? {} : { hint: printableLine(e.hint) }),
  });
}
