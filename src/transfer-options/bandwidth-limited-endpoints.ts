import { pipeline, type Readable } from 'node:stream';
import type { Endpoint } from '../endpoint/endpoint.js';
import { rateLimitedStream } from './rate-limited-stream.js';
import { type BucketClock, realBucketClock, TokenBucket } from './token-bucket.js';
import type { BandwidthLimit } from './transfer-options.js';

/** Each side's limit: `send` on what the sender's sends produce, `receive` on what the receiver's receives take. */
export interface BandwidthLimits {
  send?: BandwidthLimit | undefined;
  receive?: BandwidthLimit | undefined;
}

/**
 * A job's endpoints with `send.bandwidth_limit` and `recv.bandwidth_limit` applied to their
 * streams, one bucket per side shared by all of the job's concurrent transfers (the limit is the
 * job's, as an operator sizes it against a link). Listings, holds and every other call pass
 * through untouched, so only the bytes of streams slow down.
 */
export function withBandwidthLimits(
  endpoints: { sender: Endpoint; receiver: Endpoint },
  limits: BandwidthLimits | undefined,
  clock: BucketClock = realBucketClock,
): { sender: Endpoint; receiver: Endpoint } {
  const send = limits?.send;
  const receive = limits?.receive;
  return {
    sender: send === undefined ? endpoints.sender : limitSends(endpoints.sender, new TokenBucket(send, clock)),
    receiver: receive === undefined ? endpoints.receiver : limitReceives(endpoints.receiver, new TokenBucket(receive, clock)),
  };
}

// Through the limiter, with errors either way: the source's error destroys the limiter with it,
// and destroying the limiter (the transfer does on abort) destroys the source.
function throughLimiter(source: Readable, bucket: TokenBucket): Readable {
  return pipeline(source, rateLimitedStream(bucket), () => undefined);
}

// The endpoint with one method replaced; every other member is the endpoint's own, bound to it.
function replacing<K extends keyof Endpoint>(endpoint: Endpoint, key: K, value: Endpoint[K]): Endpoint {
  return new Proxy(endpoint, {
    get(target, property) {
      if (property === key) return value;
      const member: unknown = Reflect.get(target, property, target);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member;
    },
  });
}

function limitSends(endpoint: Endpoint, bucket: TokenBucket): Endpoint {
  return replacing(endpoint, 'send', async (request, signal) => throughLimiter(await endpoint.send(request, signal), bucket));
}

function limitReceives(endpoint: Endpoint, bucket: TokenBucket): Endpoint {
  return replacing(endpoint, 'receive', (request, signal) => endpoint.receive({ ...request, stream: throughLimiter(request.stream, bucket) }, signal));
}
