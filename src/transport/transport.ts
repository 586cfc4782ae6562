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
}
