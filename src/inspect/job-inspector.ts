import type { InspectionEvent, Observer } from 'xstate';

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
 * only when inspection is asked for: it costs start-up time and event throughput).
 */
export async function createJobInspector(url: string = DEFAULT_INSPECTOR_URL): Promise<JobInspector> {
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
  const inspector = createWebSocketInspector({ url });
  let stopped: Promise<void> | undefined;
  return {
    inspect: inspector.inspect,
    stop(flushMs = 200) {
      // The inspector converts events on idle callbacks (timers): give them a moment to go out.
      stopped ??= new Promise<void>((resolve) => setTimeout(resolve, flushMs)).then(() => inspector.stop());
      return stopped;
    },
  };
}
