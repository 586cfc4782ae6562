/**
 * How xrepl reaches the `zfs` command: on this machine, or on another one over SSH. A transport
 * only builds the command line; spawning, streaming and error handling live in `src/zfs/`.
 */

/** A program and its arguments, ready for execa (never a shell string locally). */
export interface SpawnCommand {
  file: string;
  args: string[];
}

/** Builds the command that runs `zfs <args>` wherever the pool lives. */
export interface Transport {
  /** A short name for logs and endpoint names: `local` or `ssh:user@host:port`. */
  readonly name: string;
  /** True when the command goes through ssh, whose exit code 255 means the connection failed. */
  readonly remote: boolean;
  /** The command that runs `zfs` with these arguments. */
  zfsCommand(args: readonly string[]): SpawnCommand;
}
