/**
 * A custom endpoint: any object that honours the Endpoint interface can be a sender or a
 * receiver. This one wraps another endpoint and records every call (name, filesystem, duration),
 * the shape of an auditing, rate-limiting or metrics layer.
 */
import { type Endpoint, type JobReport, createMemoryPool, createReplicationJob } from 'xrepl';

/** One recorded endpoint call. */
export interface RecordedCall {
  endpoint: string;
  method: string;
  /** The filesystem the call was about, when it names one. */
  filesystem?: string | undefined;
  ms: number;
  failed: boolean;
}

/** Wraps `inner` so that every call is passed on unchanged and recorded in `calls`. */
export function recordingEndpoint(inner: Endpoint, calls: RecordedCall[]): Endpoint {
  const record = async <T>(method: string, filesystem: string | undefined, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await call();
      calls.push({ endpoint: inner.name, method, filesystem, ms: performance.now() - started, failed: false });
      return result;
    } catch (error) {
      calls.push({ endpoint: inner.name, method, filesystem, ms: performance.now() - started, failed: true });
      throw error;
    }
  };
  return {
    name: `recorded(${inner.name})`,
    capabilities: (signal) => record('capabilities', undefined, () => inner.capabilities(signal)),
    listFilesystems: (signal) => record('listFilesystems', undefined, () => inner.listFilesystems(signal)),
    listVersions: (filesystems, signal) => record('listVersions', undefined, () => inner.listVersions(filesystems, signal)),
    estimateSendSize: (request, signal) => record('estimateSendSize', request.filesystem, () => inner.estimateSendSize(request, signal)),
    send: (request, signal) => record('send', request.filesystem, () => inner.send(request, signal)),
    receive: (request, signal) => record('receive', request.filesystem, () => inner.receive(request, signal)),
    listReplicationCursors: (jobId, signal) => record('listReplicationCursors', undefined, () => inner.listReplicationCursors(jobId, signal)),
    setReplicationCursor: (fs, version, jobId, signal) => record('setReplicationCursor', fs, () => inner.setReplicationCursor(fs, version, jobId, signal)),
    hold: (fs, snapshot, tag, signal) => record('hold', fs, () => inner.hold(fs, snapshot, tag, signal)),
    release: (fs, snapshot, tag, signal) => record('release', fs, () => inner.release(fs, snapshot, tag, signal)),
    destroySnapshots: (fs, snapshots, signal) => record('destroySnapshots', fs, () => inner.destroySnapshots(fs, snapshots, signal)),
    createSnapshots: (filesystems, snapshot, signal) => record('createSnapshots', undefined, () => inner.createSnapshots(filesystems, snapshot, signal)),
  };
}

/** Options of {@link main}. */
export interface CustomEndpointOptions {
  log?: (line: string) => void;
}

/** Runs one job whose sender and receiver are both wrapped; returns the report and the calls seen. */
export async function main(options: CustomEndpointOptions = {}): Promise<{ report: JobReport; calls: RecordedCall[] }> {
  const source = createMemoryPool({ name: 'source' });
  source.createFilesystem('tank/mail');
  source.write('tank/mail', 'inbox', 'hello\n');
  source.snapshot('tank/mail', 'monday');
  const target = createMemoryPool({ name: 'target' });
  target.createFilesystem('backup');

  const calls: RecordedCall[] = [];
  const job = createReplicationJob({
    name: 'recorded',
    sender: recordingEndpoint(source.sender(), calls),
    receiver: recordingEndpoint(target.receiver({ rootFs: 'backup' }), calls),
  });
  const report = await job.runOnce();
  job.stop();
  for (const c of calls) options.log?.(`${c.endpoint} ${c.method}${c.filesystem ? ` ${c.filesystem}` : ''} ${c.ms.toFixed(1)} ms${c.failed ? ' FAILED' : ''}`);
  return { report, calls };
}
