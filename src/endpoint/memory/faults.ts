/**
 * Fault injection and call counting for the memory pool: tests and demos make a chosen endpoint
 * call fail, hang, truncate or slow its stream, or run an action first (e.g. destroy a snapshot
 * between planning and sending), and count how often each call was made.
 */
import type { Endpoint } from '../endpoint.js';
import type { ErrorClass } from '../../domain/errors.js';

/** The name of an Endpoint method, as faults and the call log name calls. */
export type EndpointMethod = Exclude<keyof Endpoint, 'name'>;

/** What an injected fault does to the call it matches. */
export type FaultEffect =
  /** Reject with an EndpointError of kind `injected` and this class. */
  | { type: 'error'; errorClass: ErrorClass }
  /** Never settle until the call's AbortSignal fires, then reject `aborted`. */
  | { type: 'hang' }
  /** `send`: the stream ends after this many bytes; `receive`: the receiver reads only this many. */
  | { type: 'truncate'; afterBytes: number }
  /** `send`: the stream delivers `bytesPerChunk` bytes per `setTimeout(delayMs)`. */
  | { type: 'slow'; bytesPerChunk: number; delayMs: number }
  /** Run the action synchronously before the call does its work, then proceed normally. */
  | { type: 'run'; action: () => void };

/** One fault: which calls it matches and what it does to them. */
export interface FaultSpec {
  call: EndpointMethod;
  /** Match only calls about this filesystem (in the pool's own names); any filesystem when absent. */
  filesystem?: string | undefined;
  /** How many matching calls it affects; 1 by default, `Infinity` for all. */
  times?: number | undefined;
  effect: FaultEffect;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** The faults armed on one pool. */
export class FaultInjector {
  private active: ActiveFault[] = [];

  /** Arms a fault; it affects the next `times` matching calls. */
  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
    this.active.push({ spec, remaining: times });
  }

  /** Disarms every fault. */
  clear(): void {
    this.active = [];
  }

  /** Number of armed faults with uses left. */
  get size(): number {
    return this.active.length;
  }

  /**
   * The effects of the armed faults matching a call, in the order they were added, each used up
   * once. `filesystems` undefined means the call concerns every filesystem.
   */
  take(call: EndpointMethod, filesystems: readonly string[] | undefined): FaultEffect[] {
    if (this.active.length === 0) return [];
    const effects: FaultEffect[] = [];
    for (const fault of this.active) {
      const fs = fault.spec.filesystem;
      if (fault.spec.call !== call) continue;
      if (fs !== undefined && filesystems !== undefined && !filesystems.includes(fs)) continue;
      effects.push(fault.spec.effect);
      fault.remaining -= 1;
    }
    this.active = this.active.filter((f) => f.remaining > 0);
    return effects;
  }
}

/** One recorded endpoint call. */
export interface CallRecord {
  call: EndpointMethod;
  /** The filesystems the call was about (in the pool's names); undefined when it was about all. */
  filesystems: readonly string[] | undefined;
}

/** Every call made to a pool's endpoint (its views included), for tests and benchmarks. */
export class CallLog {
  readonly entries: CallRecord[] = [];

  /** Records one call. */
  record(call: EndpointMethod, filesystems: readonly string[] | undefined): void {
    this.entries.push({ call, filesystems });
  }

  /** How many calls were made, of one method or of all. */
  count(call?: EndpointMethod): number {
    if (call === undefined) return this.entries.length;
    let n = 0;
    for (const e of this.entries) if (e.call === call) n += 1;
    return n;
  }

  /** Forgets every recorded call. */
  clear(): void {
    this.entries.length = 0;
  }
}
