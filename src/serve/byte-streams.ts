/**
 * A call's byte stream over the connection, with flow control by credit: the writer may have at
 * most the reader's window in flight, and the reader grants more only as its consumer reads. So a
 * slow `zfs receive` slows the `zfs send` on the other side and neither buffers a whole stream.
 */
import { Readable } from 'node:stream';
import { EndpointError } from '../domain/errors.js';
import type { FramedConnection } from './framed-connection.js';

/**
 * The reading end: a Readable fed by the connection's frames for one stream id. `grant` sends
 * credit to the writer; bytes beyond what was granted are a protocol violation (`overrun`).
 */
export class IncomingStream extends Readable {
  private pendingCredit = 0;
  private outstanding: number;
  private finished = false;

  constructor(
    private readonly grant: (bytes: number) => void,
    windowBytes: number,
    private readonly overrun: (message: string) => void,
  ) {
    // A small buffer of its own: the window is the real bound.
    super({ highWaterMark: 64 * 1024 });
    this.outstanding = windowBytes;
  }

  /** A frame of this stream arrived. */
  deliver(bytes: Buffer): void {
    if (this.finished || this.destroyed) return;
    this.outstanding -= bytes.length;
    if (this.outstanding < 0) {
      this.overrun(`the peer sent ${-this.outstanding} bytes beyond the granted window`);
      return;
    }
    if (this.push(bytes)) this.giveBack(bytes.length);
    else this.pendingCredit += bytes.length;
  }

  /** The writer said the stream is complete. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.push(null);
  }

  /** The writer said the stream failed; the reader sees the error. */
  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.destroy(error);
  }

  override _read(): void {
    if (this.pendingCredit > 0 && !this.finished) {
      const bytes = this.pendingCredit;
      this.pendingCredit = 0;
      this.giveBack(bytes);
    }
  }

  private giveBack(bytes: number): void {
    this.outstanding += bytes;
    this.grant(bytes);
  }
}

/** The writing end of one stream: its credit, and what stops it. */
export class OutgoingStream {
  private credit: number;
  private waiter: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly connection: FramedConnection,
    private readonly id: number,
    windowBytes: number,
  ) {
    this.credit = windowBytes;
  }

  /** The reader granted more. */
  addCredit(bytes: number): void {
    this.credit += bytes;
    this.wake();
  }

  /** Stops pumping (the call was cancelled or settled); the source is left to its owner. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * Copies `source` into frames until it ends (resolves true), fails (rejects), or the stream is
   * stopped (resolves false). Waits for credit before every frame, so at most the window is in flight.
   */
  async pump(source: Readable): Promise<boolean> {
    const max = this.connection.limits.maxDataBytes;
    for await (const chunk of source) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      for (let at = 0; at < bytes.length; ) {
        while (this.credit <= 0 && !this.stopped && !this.connection.isClosed) await new Promise<void>((resolve) => (this.waiter = resolve));
        if (this.stopped) return false;
        if (this.connection.isClosed) throw new EndpointError('the connection closed during a transfer', { kind: 'connection-lost' });
        const size = Math.min(this.credit, max, bytes.length - at);
        this.credit -= size;
        await this.connection.sendData(this.id, bytes.subarray(at, at + size));
        at += size;
      }
      if (this.stopped) return false;
    }
    return !this.stopped;
  }

  /** Wakes a pump waiting for credit, e.g. because the connection closed. */
  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
