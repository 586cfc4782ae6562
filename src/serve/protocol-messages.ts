/**
 * The messages of the protocol, as zod schemas. A client opens with `hello`; the server answers
 * `welcome` or `refused`. Then the client makes `call`s, each answered by one `result` or
 * `error` with the call's id, and may `cancel` one. A call's byte stream (the data of a `send`
 * from the server, of a `receive` to it) travels in binary frames under the call's id, ended by
 * `end` or `stream-error`, paced by `credit` from the reading side. `fatal` says why a peer
 * closes the connection.
 */
import { z } from 'zod';
import { errorSchema } from './wire-values.js';

/** Every method the protocol knows: the Endpoint interface's, one for one. */
export const METHODS = [
  'capabilities',
  'listFilesystems',
  'listVersions',
  'listAll',
  'estimateSendSize',
  'send',
  'receive',
  'listForeignCursors',
  'listReplicationCursors',
  'setReplicationCursor',
  'hold',
  'release',
  'destroySnapshots',
  'createSnapshots',
  'describeResumeToken',
  'abortPartialReceive',
] as const;

/** A method name. */
export type Method = (typeof METHODS)[number];

/** What the client asks the server to be: a sink receives its pushes, a source serves its pulls. */
export type ServiceRole = 'sink' | 'source';

const id = z.number().int().min(1).max(0xffff_ffff);

/** The client's first message. */
export const helloSchema = z.object({
  t: z.literal('hello'),
  protocol: z.string().max(64),
  version: z.number().int(),
  role: z.enum(['sink', 'source']),
  /** The credit every stream starts with, for streams the client reads. */
  windowBytes: z.number().int().min(1).max(1 << 30),
});

/** The server's answer to a hello it accepts. */
export const welcomeSchema = z.strictObject({
  t: z.literal('welcome'),
  protocol: z.string().max(64),
  version: z.number().int(),
  /** The server's job and the client name it serves, for logs. */
  job: z.string().max(256),
  client: z.string().max(256),
  windowBytes: z.number().int().min(1).max(1 << 30),
  methods: z.array(z.string().max(64)).max(64),
});

/** The server's answer to a hello it refuses; it closes the connection after it. */
export const refusedSchema = z.strictObject({ t: z.literal('refused'), message: z.string().max(4096) });

/** A call from the client. Its params are checked against the method's own schema afterwards. */
export const callSchema = z.strictObject({ t: z.literal('call'), id, method: z.string().max(64), params: z.unknown() });

/** Messages either side may send once the handshake is done. */
export const streamMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('credit'), id, bytes: z.number().int().min(1).max(1 << 30) }),
  z.strictObject({ t: z.literal('end'), id }),
  z.strictObject({ t: z.literal('stream-error'), id, error: errorSchema }),
  z.strictObject({ t: z.literal('fatal'), message: z.string().max(4096) }),
]);

/** What the server reads after the handshake. */
export const clientMessageSchema = z.discriminatedUnion('t', [callSchema, z.strictObject({ t: z.literal('cancel'), id }), ...streamMessageSchema.options]);

/** What the client reads after the handshake. */
export const serverMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('result'), id, value: z.unknown() }),
  z.strictObject({ t: z.literal('error'), id, error: errorSchema }),
  ...streamMessageSchema.options,
]);

/** A parsed client message. */
export type ClientMessage = z.output<typeof clientMessageSchema>;
/** A parsed server message. */
export type ServerMessage = z.output<typeof serverMessageSchema>;

/** A zod issue list as one short line, for errors sent back to a peer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}
