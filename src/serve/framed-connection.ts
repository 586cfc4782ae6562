/**
 * One duplex byte stream carrying frames: JSON messages both ways and binary stream chunks. It
 * knows nothing of calls; the server and the remote endpoint build on it. A framing violation or
 * an unparsable message closes it with the reason, since nothing after it can be trusted.
 */
import type { Readable, Writable } from 'node:stream';
import { FrameDecoder, FramingError, encodeDataFrame, encodeMessageFrame } from './frame-codec.js';
import type { ProtocolLimits } from './protocol-limits.js';

/** The two ends of the byte stream: what the peer writes, and where to write to it. */
export interface ByteChannel {
  input: Readable;
  output: Writable;
  /** Ends the channel (e.g. kills the ssh process); called once when the connection closes. */
  close?(): void;
  /** Why the channel broke, beyond "it ended" (e.g. what ssh printed); asked once when it closes. */
  closeReason?(): string | undefined;
}

/** What a connection tells its owner. */
export interface ConnectionHandlers {
  message(message: unknown): void;
  data(stream: number, bytes: Buffer): void;
  /** Once, when the connection ends: `error` says why, absent for an orderly end. */
  closed(error: Error | undefined): void;
}

/** A framed connection over a {@link ByteChannel}. */
export class FramedConnection {
  private readonly decoder: FrameDecoder;
  private handlers: ConnectionHandlers | undefined;
  private closedWith: { error: Error | undefined } | undefined;
  private readonly drainWaiters = new Set<() => void>();

  constructor(
    private readonly channel: ByteChannel,
    readonly limits: ProtocolLimits,
  ) {
    this.decoder = new FrameDecoder(limits);
    channel.input.on('data', (chunk: Buffer | string) => this.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    channel.input.once('end', () => this.close(this.decoder.pendingBytes > 0 ? new FramingError('the peer ended the connection in the middle of a frame') : undefined));
    channel.input.once('error', (error) => this.close(error));
    channel.output.on('error', (error) => this.close(error));
    channel.output.on('drain', () => this.wakeWriters());
    channel.input.pause();
  }

  /** Starts delivering frames; input read before is kept for the handlers. */
  start(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
    this.channel.input.resume();
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Sends one JSON message; throws when it exceeds the message limit (the connection stays up). */
  send(message: object): void {
    if (this.closedWith !== undefined) return;
    this.channel.output.write(encodeMessageFrame(JSON.stringify(message), this.limits));
  }

  /** Sends stream bytes in frames of at most `maxDataBytes`, waiting while the channel's buffer is full. */
  async sendData(stream: number, bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length; at += this.limits.maxDataBytes) {
      if (this.closedWith !== undefined) return;
      const more = this.channel.output.write(encodeDataFrame(stream, bytes.subarray(at, at + this.limits.maxDataBytes)));
      if (!more) await new Promise<void>((resolve) => this.drainWaiters.add(resolve));
    }
  }

  /** Closes the connection (idempotent); `error` is passed on as the reason. */
  close(error?: Error): void {
    if (this.closedWith !== undefined) return;
    const reason = this.channel.closeReason?.();
    const withReason = error === undefined && reason !== undefined ? new Error(reason) : error;
    this.closedWith = { error: withReason };
    this.wakeWriters();
    this.channel.input.removeAllListeners('data');
    this.channel.input.on('error', () => undefined);
    this.channel.output.on('error', () => undefined);
    this.channel.output.end();
    this.channel.close?.();
    this.handlers?.closed(withReason);
  }

  private wakeWriters(): void {
    const waiters = [...this.drainWaiters];
    this.drainWaiters.clear();
    for (const wake of waiters) wake();
  }

  private receive(chunk: Buffer): void {
    if (this.closedWith !== undefined || this.handlers === undefined) return;
    let frames;
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return;
    }
    for (const frame of frames) {
      if (this.closedWith !== undefined) return;
      if (frame.kind === 'data') {
        this.handlers.data(frame.stream, frame.bytes);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(frame.json);
      } catch {
        this.fail('a message is not valid JSON');
        return;
      }
      this.handlers.message(parsed);
    }
  }

  /** Tells the peer why, then closes: a protocol violation leaves nothing to trust after it. */
  fail(reason: string): void {
    if (this.closedWith !== undefined) return;
    try {
      this.send({ t: 'fatal', message: reason });
    } catch {
      // The reason itself is small; an output that already broke is closed below anyway.
    }
    this.close(new FramingError(`protocol error: ${reason}`));
  }
}
