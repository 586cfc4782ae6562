import type { InspectionEvent, Observer } from 'xstate';
import { plainSnapshot } from './plain-snapshot.js';

/** The default address of `@statelyai/inspect`'s relay server (`createInspectorServer()`). */
export const DEFAULT_INSPECTOR_URL = 'ws://localhost:8080';

/** An inspector the jobs' actors report to, and the way to let go of it. */
export interface JobInspector {
  /** Pass as `inspect` to `createReplicationJob`, `startDaemon` or `createActor`. */
  readonly inspect: Observer<InspectionEvent>;
  /**
   * Sends what is queued (waiting up to `flushMs` for the inspector's deferred sends), then closes
   * the WebSocket, so the inspector never keeps the process alive after the jobs stopped.
   */
  stop(flushMs?: number): Promise<void>;
}

/**
 * Connects to a Stately inspector relay over WebSocket with `@statelyai/inspect` (imported here,
 * only when inspection is asked for: it costs start-up time and event throughput). Resolves once
 * the connection is open, so a short run's first events (the machines' definitions) are not lost;
 * rejects, naming the address, when it does not open within `openTimeoutMs`.
 */
export async function createJobInspector(url: string = DEFAULT_INSPECTOR_URL, openTimeoutMs = 10_000): Promise<JobInspector> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`inspector url ${JSON.stringify(url)} is not a URL; expected e.g. ${DEFAULT_INSPECTOR_URL}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new Error(`inspector url ${JSON.stringify(url)}: expected a ws:// or wss:// address, e.g. ${DEFAULT_INSPECTOR_URL}`);
  }
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  // Deep enough for whole machine definitions: the default (10) cut the replication chart.
  const inspector = createWebSocketInspector({ url, serializationDepthLimit: 100, maxDeferredEvents: 10_000 });
  await opened(inspector.adapter, url, openTimeoutMs, () => inspector.stop());
  const inspect: Observer<InspectionEvent> = {
    next: (event) => {
      inspector.inspect.next?.(event.type === '@xstate.snapshot' ? { ...event, snapshot: plainSnapshot(event.snapshot) as typeof event.snapshot } : event);
    },
  };
  let stopped: Promise<void> | undefined;
  return {
    inspect,
    stop(flushMs = 200) {
      // The inspector converts events on idle callbacks (timers): give them a moment to go out.
      stopped ??= new Promise<void>((resolve) => setTimeout(resolve, flushMs)).then(() => inspector.stop());
      return stopped;
    },
  };
}

/** True for the inspector's WebSocket adapter, whose `status` says whether its socket is open. */
function hasStatus(adapter: unknown): adapter is { status: string } {
  return typeof adapter === 'object' && adapter !== null && 'status' in adapter && typeof adapter.status === 'string';
}

/** Waits until the adapter's socket is open (it reconnects on its own after a failure). */
async function opened(adapter: unknown, url: string, timeoutMs: number, stop: () => void): Promise<void> {
  if (!hasStatus(adapter)) return;
  const deadline = Date.now() + timeoutMs;
  while (adapter.status !== 'open') {
    if (Date.now() >= deadline) {
      stop();
      throw new Error(`inspector at ${url} did not accept a connection within ${timeoutMs} ms; start the relay first (see docs/daemon.md)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
