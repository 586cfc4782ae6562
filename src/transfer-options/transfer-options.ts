/**
 * What a job asks of `zfs send` and `zfs receive` beyond xrepl's own flags, in zrepl's vocabulary
 * (`send:` and `recv:` of a job), resolved from the configuration. The zfs endpoint maps them onto
 * flags (see `zfs-transfer-flags.ts`) and refuses, per filesystem and before any stream runs, what
 * its zfs cannot do.
 */

/** `send:` options that become `zfs send` flags. */
export interface SendOptions {
  /**
   * zrepl's `encrypted`. `true`: send only filesystems that use native encryption, raw (`-w`), so
   * they arrive encrypted and the receiver never needs their key; an unencrypted one is refused.
   * `false`: the operator allows encrypted filesystems to be sent decrypted (their key must be
   * loaded). Absent: an encrypted filesystem is refused unless `raw` is on, so it is never sent
   * decrypted without being asked for.
   */
  encrypted?: boolean | undefined;
  /** `-w`: raw; encrypted blocks as they are on disk (implies `-L -c -e`). */
  raw?: boolean | undefined;
  /** `-p`: send the filesystem's properties. */
  properties?: boolean | undefined;
  /** `-b`: send only the received values of properties (a backup of a backup). */
  backupProperties?: boolean | undefined;
  /** `-L`: blocks larger than 128 KiB stay large. */
  largeBlocks?: boolean | undefined;
  /** `-c`: blocks as compressed on disk. */
  compressed?: boolean | undefined;
  /** `-e`: embedded-data blocks stay embedded. */
  embeddedData?: boolean | undefined;
}

/** `recv:` options that become `zfs receive` flags, and how placeholders are made. */
export interface ReceiveOptions {
  /** `-o property=value` on every receive. */
  override?: Readonly<Record<string, string>> | undefined;
  /** `-x property`: the received filesystem inherits these instead of taking the stream's. */
  inherit?: readonly string[] | undefined;
  /**
   * The `encryption` of placeholders xrepl creates: `off` (`zfs create -o encryption=off`, so a
   * full receive of an unencrypted stream onto one works even under an encrypted parent) or
   * `inherit` (from the parent). Absent: zfs's default, which inherits.
   */
  placeholderEncryption?: 'off' | 'inherit' | undefined;
}

/** A token bucket: `bytesPerSecond` on average, bursts of up to `burstBytes`. */
export interface BandwidthLimit {
  bytesPerSecond: number;
  burstBytes: number;
}

/** The send options that change the stream's format and so must stay the same after the first full send. */
export function sendsRaw(options: SendOptions | undefined): boolean {
  return options?.raw === true || options?.encrypted === true;
}
