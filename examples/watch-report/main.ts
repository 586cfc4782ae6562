/**
 * Watching a job through `report$`: every change of the job's machines arrives as a JSON-safe
 * JobReport (the same one `xrepl status --json` prints), here turned into one line per change of
 * the job's state and of each filesystem's state, with bytes while a transfer runs. A slow stream
 * and a transient failure are injected so there is something to watch. (In an application, import from `xrepl`.)
 */
import { type JobReport, createMemoryPool, createReplicationJob } from 'xrepl';

/** Options of {@link main}. */
export interface WatchReportOptions {
  /** Delay between stream chunks, ms (default 20). */
  chunkDelayMs?: number;
  /** Delay before retrying the failed send, ms (default 200). */
  retryDelayMs?: number;
  log?: (line: string) => void;
}

/** Runs one invocation and returns the lines it derived from `report$`, plus the final report. */
export async function main(options: WatchReportOptions = {}): Promise<{ lines: string[]; report: JobReport }> {
  const source = createMemoryPool({ name: 'source' });
  for (const fs of ['tank/photos', 'tank/music']) {
    source.createFilesystem(fs);
    source.write(fs, 'library.db', 'x'.repeat(64 * 1024));
    source.snapshot(fs, 'today');
  }
  source.faults.add({ call: 'send', times: Infinity, effect: { type: 'slow', bytesPerChunk: 8 * 1024, delayMs: options.chunkDelayMs ?? 20 } });
  source.faults.add({ call: 'send', filesystem: 'tank/music', effect: { type: 'error', errorClass: 'transient' } });
  const target = createMemoryPool({ name: 'target' });
  target.createFilesystem('backup');

  const job = createReplicationJob({
    name: 'watched',
    sender: source.sender(),
    receiver: target.receiver({ rootFs: 'backup' }),
    retry: { initialDelayMs: options.retryDelayMs ?? 200 },
    progressIntervalMs: 50,
  });
  const lines: string[] = [];
  const seen = new Map<string, string>();
  const subscription = job.report$.subscribe((report) => {
    const add = (key: string, text: string): void => {
      if (seen.get(key) === text) return;
      seen.set(key, text);
      lines.push(text);
      options.log?.(text);
    };
    add('job', `job ${report.job}: ${report.state}`);
    for (const fs of report.current?.replication?.filesystems ?? []) {
      const problem = fs.problem ? ` (${fs.problem.errorClass} ${fs.problem.kind})` : '';
      add(fs.filesystem, `${fs.filesystem}: ${fs.state}${problem}`);
      if (fs.state === 'active' && fs.bytes > 0) add(`${fs.filesystem}:bytes`, `${fs.filesystem}: ${fs.bytes} of ${fs.expectedBytes ?? '?'} bytes`);
    }
  });
  const report = await job.runOnce();
  subscription.unsubscribe();
  job.stop();
  return { lines, report };
}
