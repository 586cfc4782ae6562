import type { SpawnCommand, Transport } from './transport.js';

/** Options of {@link createLocalTransport}. */
export interface LocalTransportOptions {
  /** The zfs program; `zfs` (looked up on PATH) by default. */
  zfsPath?: string;
}

/** The default zfs program name, found on PATH. */
export const DEFAULT_ZFS_PATH = 'zfs';

/** A transport that runs zfs on this machine, with the arguments as an array (no shell). */
export function createLocalTransport(options: LocalTransportOptions = {}): Transport {
  const zfsPath = options.zfsPath ?? DEFAULT_ZFS_PATH;
  if (zfsPath.length === 0) throw new TypeError('local transport: zfsPath is empty');
  return {
    name: 'local',
    remote: false,
    zfsCommand(args: readonly string[]): SpawnCommand {
      return { file: zfsPath, args: [...args] };
    },
  };
}
