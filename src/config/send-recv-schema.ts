/**
 * The `send:` and `recv:` sections of a replication job, in zrepl's vocabulary
 * (https://zrepl.github.io/configuration/sendrecvoptions.html), and the checks they need beyond
 * shape. Kept apart from config-schema.ts, which only places them in a job.
 */
import { z } from 'zod';
import type { BandwidthLimit, ReceiveOptions, SendOptions } from '../transfer-options/transfer-options.js';
import { parseDataSize } from './data-size.js';
import { strict } from './strict-object.js';
import { propertyNameProblem } from '../zfs/transfer-flags.js';

const flag = () => z.boolean({ error: 'expected true or false' }).optional();

const dataSize = z.union([z.string(), z.number()], { error: 'expected a size like "10 MiB"' }).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? value : 'expected a whole number of bytes') : parseDataSize(value);
  if (typeof bytes === 'string') {
    ctx.addIssue({ code: 'custom', message: bytes });
    return z.NEVER;
  }
  return bytes;
});

/** The burst when `bucket_capacity` is not given, as zrepl's default. */
export const DEFAULT_BUCKET_CAPACITY = 128 * 1024;

/** zrepl's `bandwidth_limit`: `max` per second, bursts up to `bucket_capacity`. */
const bandwidthLimitSchema = strict({
  max: dataSize.refine((n) => n > 0, { error: 'expected a rate above zero per second, like "10 MiB"' }),
  bucket_capacity: dataSize.refine((n) => n > 0, { error: 'expected a size above zero' }).optional(),
}).transform((limit): BandwidthLimit => ({ bytesPerSecond: limit.max, burstBytes: limit.bucket_capacity ?? DEFAULT_BUCKET_CAPACITY }));

/** `send:` of a job whose sender runs `zfs send`. */
export const sendSchema = strict({
  encrypted: flag(),
  raw: flag(),
  send_properties: flag(),
  backup_properties: flag(),
  large_blocks: flag(),
  compressed: flag(),
  embedded_data: flag(),
  /** Accepted so that the refusal can say why (see sendRecvProblems). */
  saved: flag(),
  bandwidth_limit: bandwidthLimitSchema.optional(),
});

/** `recv:` of a job whose receiver runs `zfs receive`. */
export const recvSchema = strict({
  properties: strict({
    override: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    inherit: z.array(z.string()).optional(),
  }).optional(),
  placeholder: strict({ encryption: z.enum(['off', 'inherit']) }).optional(),
  bandwidth_limit: bandwidthLimitSchema.optional(),
});

type SendEntry = z.output<typeof sendSchema>;
type RecvEntry = z.output<typeof recvSchema>;

/** What a job's sides are, as far as the send and recv checks care. */
export interface SendRecvSides {
  /** `zfs`: zfs send / receive runs for this job; `memory`: a simulated pool; `xrepl`: an `xrepl serve` at the other end of ssh. */
  sender: 'zfs' | 'memory' | 'xrepl';
  receiver: 'zfs' | 'memory' | 'xrepl';
}

/** Problems of `send:` and `recv:` that need more than shape; `at` makes a key path, `add` records one. */
export function sendRecvProblems(
  entry: { send?: SendEntry | undefined; recv?: RecvEntry | undefined },
  sides: SendRecvSides,
  at: (...keys: PropertyKey[]) => string,
  add: (path: string, message: string) => void,
): void {
  const send = entry.send;
  if (send !== undefined) {
    if (send.saved === true) {
      add(at('send', 'saved'), 'zfs send -S sends the partially received state of a filesystem and refuses a snapshot, and xrepl sends snapshots; remove it (resumable receives are resumed with their token)');
    }
    const zfsFlags = (['encrypted', 'raw', 'send_properties', 'backup_properties', 'large_blocks', 'compressed', 'embedded_data'] as const).filter((k) => send[k] !== undefined);
    if (zfsFlags.length > 0 && sides.sender !== 'zfs') {
      add(at('send', zfsFlags[0] ?? ''), notZfs('send', sides.sender, 'sender'));
    }
  }
  const recv = entry.recv;
  if (recv === undefined) return;
  if ((recv.properties !== undefined || recv.placeholder !== undefined) && sides.receiver !== 'zfs') {
    add(at('recv', recv.properties !== undefined ? 'properties' : 'placeholder'), notZfs('receive', sides.receiver, 'receiver'));
  }
  const override = recv.properties?.override ?? {};
  const inherit = recv.properties?.inherit ?? [];
  for (const [property, value] of Object.entries(override)) {
    const problem = propertyProblem(property);
    if (problem !== undefined) add(at('recv', 'properties', 'override', property), problem);
    else if (property === 'canmount' && value !== 'off' && value !== 'noauto') {
      add(at('recv', 'properties', 'override', property), 'expected off or noauto: a received filesystem that mounts on its own changes, and the next incremental receive then fails');
    } else if (/[\0\n]/.test(value)) add(at('recv', 'properties', 'override', property), 'a value cannot contain a newline or NUL');
  }
  inherit.forEach((property, i) => {
    const problem = propertyProblem(property);
    if (problem !== undefined) add(at('recv', 'properties', 'inherit', i), problem);
    else if (Object.hasOwn(override, property)) add(at('recv', 'properties', 'inherit', i), `${property} is in override too; give it in one of them`);
  });
}

function propertyProblem(property: string): string | undefined {
  const nameProblem = propertyNameProblem(property);
  if (nameProblem !== undefined) return nameProblem;
  if (property.startsWith('xrepl:')) return `${property} is xrepl's own bookkeeping; it cannot be overridden or inherited`;
  return undefined;
}

function notZfs(what: 'send' | 'receive', kind: 'memory' | 'xrepl', side: 'sender' | 'receiver'): string {
  return kind === 'memory'
    ? `these options are zfs ${what} flags, and this job's ${side} is a memory pool (only bandwidth_limit applies there)`
    : `these options are zfs ${what} flags, and this job's ${side} is an xrepl serve at the other end of ssh, whose zfs ${what} they do not reach (only bandwidth_limit applies here)`;
}

/** The resolved send options of a `send:` section. */
export function resolveSendOptions(send: SendEntry | undefined): SendOptions | undefined {
  if (send === undefined) return undefined;
  return {
    encrypted: send.encrypted,
    raw: send.raw,
    properties: send.send_properties,
    backupProperties: send.backup_properties,
    largeBlocks: send.large_blocks,
    compressed: send.compressed,
    embeddedData: send.embedded_data,
  };
}

/** The resolved receive options of a `recv:` section. */
export function resolveReceiveOptions(recv: RecvEntry | undefined): ReceiveOptions | undefined {
  if (recv === undefined) return undefined;
  return { override: recv.properties?.override, inherit: recv.properties?.inherit, placeholderEncryption: recv.placeholder?.encryption };
}
