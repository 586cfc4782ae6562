/**
 * How xrepl reaches the `zfs` command: on this machine, or on another one over SSH. A transport
 * only builds the command line; spawning, streaming and error handling live in `src/zfs/`.
 */

/** A program and its arguments, ready for execa (never a shell string locally). */
export interface SpawnCommand {
  file: string;
  args: string[];
  /**
   * Variables set for the local process on top of xrepl's own environment. Both transports set
   * `LC_ALL=C`, so that zfs and ssh print the English texts the error classifier knows.
   */
  env?: Readonly<Record<string, string>> | undefined;
}

/** The environment every local zfs or ssh process gets: the C locale, whose messages xrepl reads. */
export const ZFS_ENV: Readonly<Record<string, string>> = Object.freeze({ LC_ALL: 'C' });

/** Builds the command that runs `zfs <args>` wherever the pool lives. */
export interface Transport {
  /** A short name for logs and endpoint names: `local` or `ssh:user@host:port`. */
  readonly name: string;
  /** True when the command goes through ssh, whose exit code 255 means the connection failed. */
  readonly remote: boolean;
  /** The command that runs `zfs` with these arguments. */
  zfsCommand(args: readonly string[]): SpawnCommand;
  /**
   * Optional: the command that runs `zpool` with these arguments (the one next to zfs), for the
   * pool feature probe. A transport without it is taken to have every feature its zfs has.
   */
  zpoolCommand?(args: readonly string[]): SpawnCommand;
}

/** The zpool program next to a zfs program: `/usr/sbin/zfs` → `/usr/sbin/zpool`, `zfs` → `zpool`; undefined when it is not named zfs. */
export function zpoolPathFor(zfsPath: string): string | undefined {
  const m = /^(.*\/)?zfs$/.exec(zfsPath);
  return m === null ? undefined : `${m[1] ?? ''}zpool`;
}
