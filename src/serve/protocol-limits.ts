/**
 * The numbers that bound what one peer can make the other hold in memory. Both sides enforce
 * them on what they receive, so a hostile or broken peer gets a clear error instead of an
 * unbounded buffer.
 */

/** The protocol's name in the handshake, so a peer that is not xrepl is refused by name. */
export const PROTOCOL_NAME = 'xrepl';

/** The protocol version this build speaks; a peer with another one is refused in the handshake. */
export const PROTOCOL_VERSION = 1;

/** Size limits of one connection. */
export interface ProtocolLimits {
  /** The largest JSON message accepted, in bytes (a listing of many filesystems is the big one). */
  maxMessageBytes: number;
  /** The largest payload of one binary stream frame, in bytes; senders cut streams into frames this size. */
  maxDataBytes: number;
  /**
   * Per stream, the bytes a sender may have in flight before the receiver grants more: a slow
   * `zfs receive` slows the `zfs send` on the other side, and nothing buffers a whole stream.
   */
  windowBytes: number;
}

/** The limits used unless a caller sets others. */
export const DEFAULT_PROTOCOL_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxMessageBytes: 16 * 1024 * 1024,
  maxDataBytes: 128 * 1024,
  windowBytes: 1024 * 1024,
});
