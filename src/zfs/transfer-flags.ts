import { EndpointError } from '../domain/errors.js';
import type { ReceiveOptions, SendOptions } from '../transfer-options/transfer-options.js';
import { checkName } from './zfs-args.js';
import type { ZfsFeatures } from './zfs-features.js';

/**
 * How a job's `send:` and `recv:` options become `zfs send` and `zfs receive` flags (OpenZFS's
 * zfs_main.c: `-w` raw, which also turns on `-L -c -e`; `-p` props; `-b` backup; `-L` large-block;
 * `-c` compressed; `-e` embed; `receive -o property=value` and `-x property`), and which of them a
 * zfs lacks. zfs-fuse has `send -p` only.
 */

interface SendFlag {
  key: keyof SendOptions;
  /** The option's name in the configuration. */
  name: string;
  flag: string;
  feature: keyof ZfsFeatures;
}

const SEND_FLAGS: readonly SendFlag[] = [
  { key: 'raw', name: 'raw', flag: '-w', feature: 'sendRaw' },
  { key: 'properties', name: 'send_properties', flag: '-p', feature: 'sendProperties' },
  { key: 'backupProperties', name: 'backup_properties', flag: '-b', feature: 'sendBackupProperties' },
  { key: 'largeBlocks', name: 'large_blocks', flag: '-L', feature: 'sendLargeBlocks' },
  { key: 'compressed', name: 'compressed', flag: '-c', feature: 'sendCompressed' },
  { key: 'embeddedData', name: 'embedded_data', flag: '-e', feature: 'sendEmbeddedData' },
];

/** The `zfs send` flags the options ask for, in a fixed order; `encrypted: true` sends raw. */
export function sendOptionFlags(options: SendOptions | undefined): string[] {
  if (options === undefined) return [];
  const raw = options.raw === true || options.encrypted === true;
  const flags: string[] = [];
  for (const f of SEND_FLAGS) {
    const on = f.key === 'raw' ? raw : options[f.key] === true;
    // `-w` already implies these three (zfs_main.c sets them with raw).
    if (on && !(raw && (f.key === 'largeBlocks' || f.key === 'compressed' || f.key === 'embeddedData'))) flags.push(f.flag);
  }
  return flags;
}

/** The send options this zfs cannot do, each named as the configuration and zfs name it (`raw (zfs send -w)`). */
export function unsupportedSendOptions(options: SendOptions | undefined, features: ZfsFeatures): string[] {
  if (options === undefined) return [];
  const out: string[] = [];
  for (const f of SEND_FLAGS) {
    const on = options[f.key] === true || (f.key === 'raw' && options.encrypted === true);
    if (on && !features[f.feature]) out.push(f.key === 'raw' && options.raw !== true ? 'encrypted (zfs send -w)' : `${f.name} (zfs send ${f.flag})`);
  }
  return out;
}

/** The `zfs receive` arguments of `recv.properties`: `-o property=value` each, then `-x property` each. */
export function receiveOptionArgs(options: ReceiveOptions | undefined): string[] {
  const args: string[] = [];
  for (const [property, value] of Object.entries(options?.override ?? {})) {
    checkPropertyName(property);
    if (/[\0\n]/.test(value)) throw new EndpointError(`invalid value for ${property}: it contains a newline or NUL`, { kind: 'invalid-name' });
    args.push('-o', `${property}=${value}`);
  }
  for (const property of options?.inherit ?? []) args.push('-x', checkPropertyName(property));
  return args;
}

/** The receive options this zfs cannot do, named (`recv.properties.override (zfs receive -o)`). */
export function unsupportedReceiveOptions(options: ReceiveOptions | undefined, features: ZfsFeatures): string[] {
  const out: string[] = [];
  if (Object.keys(options?.override ?? {}).length > 0 && !features.receiveProperties) out.push('recv.properties.override (zfs receive -o)');
  if ((options?.inherit ?? []).length > 0 && !features.receiveExclude) out.push('recv.properties.inherit (zfs receive -x)');
  return out;
}

/** Why a name is no native or user property name (lower-case letters, digits and `_.:+-`, a letter first); undefined when it is one. */
export function propertyNameProblem(property: string): string | undefined {
  if (/^[a-z][a-z0-9_.:+-]*$/.test(property) && property.length <= 255) return undefined;
  return `invalid property name ${JSON.stringify(property)}: use lower-case letters, digits and "_.:+-", starting with a letter`;
}

/** Throws `invalid-name` unless the name is a property name, so that it can never be read as a flag. */
export function checkPropertyName(property: string): string {
  const problem = propertyNameProblem(property);
  if (problem !== undefined) throw new EndpointError(problem, { kind: 'invalid-name' });
  return property;
}

/**
 * Why a filesystem may not be sent with these options, given whether it is encrypted; undefined
 * when it may. An encrypted filesystem is never sent decrypted unless `encrypted: false` says so.
 */
export function encryptionRefusal(options: SendOptions | undefined, encrypted: boolean, filesystem: string): EndpointError | undefined {
  const refuse = (why: string, hint: string): EndpointError =>
    new EndpointError(`${why}: ${hint}`, { kind: 'not-allowed', dataset: filesystem, hint });
  if (options?.encrypted === true && !encrypted) {
    return refuse(`${filesystem} is not encrypted, and send.encrypted: true sends only encrypted filesystems (raw)`, 'exclude it in filesystems, or turn send.encrypted off');
  }
  if (options?.encrypted === undefined && options?.raw !== true && encrypted) {
    return refuse(
      `${filesystem} is encrypted and the job does not say how to send it`,
      'set send.encrypted: true to send it raw (it arrives encrypted; the receiver needs no key), or send.encrypted: false to send it decrypted',
    );
  }
  return undefined;
}

/** Whether sending with these options needs to know if the filesystem is encrypted. */
export function needsEncryptionCheck(options: SendOptions | undefined, features: ZfsFeatures): boolean {
  // A zfs without raw sends has no native encryption: nothing there is encrypted.
  if (!features.sendRaw) return false;
  return options?.encrypted === true || (options?.encrypted === undefined && options?.raw !== true);
}
