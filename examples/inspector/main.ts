/**
 * Attaching the Stately inspector to a replication job on memory pools. Start a relay first
 * (`createInspectorServer` from `@statelyai/inspect/server`, or the one this example can start)
 * and open the page it serves; see docs/daemon.md.
 */
import { type JobReport, createJobInspector, createMemoryPool, createReplicationJob } from 'xrepl';

/** Options of {@link main}. */
export interface InspectorExampleOptions {
  /** The inspector relay's WebSocket address. */
  url?: string;
  /** Also start a relay on this port (`createInspectorServer`), without opening a browser. */
  serverPort?: number;
}

/** Runs one invocation of a job with its actors reported to the inspector, then lets go of it. */
export async function main(options: InspectorExampleOptions = {}): Promise<JobReport> {
  let server: { stop(): void } | undefined;
  if (options.serverPort !== undefined) {
    const { createInspectorServer } = await import('@statelyai/inspect/server');
    server = createInspectorServer({ port: options.serverPort, autoOpen: false });
  }
  const inspector = await createJobInspector(options.url ?? `ws://localhost:${options.serverPort ?? 8080}`);
  const source = createMemoryPool({ name: 'source' });
  for (const fs of ['tank/data', 'tank/data/docs']) {
    source.createFilesystem(fs);
    source.write(fs, 'readme.txt', `hello from ${fs}`);
    source.snapshot(fs, 'first');
  }
  const target = createMemoryPool({ name: 'target' });
  target.createFilesystem('backup');
  const job = createReplicationJob({
    name: 'inspected',
    sender: source.sender(),
    receiver: target.receiver({ rootFs: 'backup' }),
    inspect: inspector.inspect,
  });
  try {
    return await job.runOnce();
  } finally {
    job.stop();
    // Nothing may keep the process alive once the job stopped: close the inspector and the relay.
    await inspector.stop();
    server?.stop();
  }
}
