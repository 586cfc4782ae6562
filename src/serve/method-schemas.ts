/**
 * The params of every method as zod schemas, and the schemas of their results. The server parses
 * params before it touches its endpoint; the client parses results before it trusts them.
 */
import { z } from 'zod';
import type { Method } from './protocol-messages.js';
import {
  capabilitiesSchema,
  errorSchema,
  filesystemInfoSchema,
  foreignCursorSchema,
  listedVersionSchema,
  listingSchema,
  pairs,
  resumeTokenTargetSchema,
  versionSchema,
} from './wire-values.js';

const name = z.string().max(1024);
// The cap is on what one message can carry anyway; it keeps a hostile list from costing more than it.
const names = z.array(name).max(1_000_000);
const jobId = z.strictObject({ jobId: name });
const sendRequest = z.strictObject({ filesystem: name, from: versionSchema.optional(), to: versionSchema, resumeToken: z.string().max(65_536).optional() });
const holdParams = z.strictObject({ filesystem: name, snapshot: name, tag: name });

/** The params each method takes. */
export const PARAM_SCHEMAS = {
  capabilities: z.strictObject({}),
  listFilesystems: z.strictObject({}),
  listVersions: z.strictObject({ filesystems: names.optional() }),
  listAll: jobId,
  estimateSendSize: sendRequest,
  send: sendRequest,
  receive: z.strictObject({ filesystem: name, from: versionSchema.optional(), to: versionSchema }),
  listForeignCursors: jobId,
  listReplicationCursors: jobId,
  setReplicationCursor: z.strictObject({ filesystem: name, version: versionSchema, jobId: name, previous: versionSchema.optional() }),
  hold: holdParams,
  release: holdParams,
  destroySnapshots: z.strictObject({ filesystem: name, snapshots: names }),
  createSnapshots: z.strictObject({ filesystems: names, snapshot: name }),
  describeResumeToken: z.strictObject({ token: z.string().max(65_536) }),
  abortPartialReceive: z.strictObject({ filesystem: name }),
} as const satisfies Record<Method, z.ZodType>;

/** The params of a method, as the client writes them. */
export type ParamsIn<M extends Method> = z.input<(typeof PARAM_SCHEMAS)[M]>;
/** The params of a method, as the server reads them. */
export type ParamsOut<M extends Method> = z.output<(typeof PARAM_SCHEMAS)[M]>;

const nothing = z.null();

/** The result each method answers with. */
export const RESULT_SCHEMAS = {
  capabilities: capabilitiesSchema,
  listFilesystems: z.array(filesystemInfoSchema),
  listVersions: pairs(z.array(listedVersionSchema)),
  listAll: listingSchema,
  estimateSendSize: z.number().min(0).nullable(),
  send: nothing,
  receive: nothing,
  listForeignCursors: pairs(z.array(foreignCursorSchema)),
  listReplicationCursors: pairs(versionSchema),
  setReplicationCursor: nothing,
  hold: nothing,
  release: nothing,
  destroySnapshots: z.array(z.strictObject({ name, error: errorSchema.optional() })),
  createSnapshots: nothing,
  describeResumeToken: resumeTokenTargetSchema,
  abortPartialReceive: nothing,
} as const satisfies Record<Method, z.ZodType>;

/** A method's result, as the server writes it. */
export type ResultIn<M extends Method> = z.input<(typeof RESULT_SCHEMAS)[M]>;
/** A method's result, as the client reads it. */
export type ResultOut<M extends Method> = z.output<(typeof RESULT_SCHEMAS)[M]>;
