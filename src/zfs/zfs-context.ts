import type { Transport } from '../transport/transport.js';
import type { ZfsFeatures } from './zfs-features.js';
import type { ReceiveOptions } from '../transfer-options/transfer-options.js';

/** What every zfs operation of one endpoint shares: how to reach zfs, what it supports, what it lists. */
export interface ZfsContext {
  transport: Transport;
  /** The features of this endpoint's zfs, probed once and cached. */
  features(signal: AbortSignal): Promise<ZfsFeatures>;
  /** The datasets listings recurse from; empty means every pool. */
  roots: readonly string[];
  /** A receiver's `recv:` options (placeholders' encryption); absent on a sender. */
  receiveOptions?: ReceiveOptions | undefined;
}
