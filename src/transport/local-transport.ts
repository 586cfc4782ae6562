import { ZFS_ENV, zpoolPathFor, type SpawnCommand, type Transport } from './transport.js';

/** Options of {@link createLocalTransport}. */
export interface LocalTransportOptions {
  /** The zfs program; `zfs` (looked up on PATH) by default. */
  zfsPath?: string;
}

/** The default zfs program name, found on PATH. */
export const DEFAULT_ZFS_PATH = 'zfs';

// One transport per program: endpoints on the same one share its feature probe (a local sender and receiver).
const byPath = new Map<string, Transport>();

/**
 * A transport that runs zfs on this machine, with the arguments as an array (no shell). The same
 * program gives the same (stateless) transport object, so endpoints built on it probe zfs once.
 */
export function createLocalTransport(options: LocalTransportOptions = {}): Transport {
  const zfsPath = options.zfsPath ?? DEFAULT_ZFS_PATH;
  if (zfsPath.length === 0) throw new TypeError('local transport: zfsPath is empty');
  const known = byPath.get(zfsPath);
  if (known !== undefined) return known;
  const zpoolPath = zpoolPathFor(zfsPath);
  const transport: Transport = Object.freeze({
    name: 'local',
    remote: false,
    zfsCommand(args: readonly string[]): SpawnCommand {
      return { file: zfsPath, args: [...args], env: ZFS_ENV };
    },
    ...(zpoolPath !== undefined
      ? {
          zpoolCommand(args: readonly string[]): SpawnCommand {
            return { file: zpoolPath, args: [...args], env: ZFS_ENV };
          },
        }
      : {}),
  });
  byPath.set(zfsPath, transport);
  return transport;
}
