import type { Writable } from 'node:stream';
import type { MultiBar, SingleBar } from 'cli-progress';
import { formatBytes, formatSeconds } from './format-units.js';
import { type FilesystemProgress, trackersByJob } from './progress-tracker.js';
import type { ProgressView } from './progress-view.js';

interface BarPayload {
  label: string;
  detail: string;
}

/**
 * A live view for a terminal: one cli-progress bar per filesystem showing bytes, expected bytes,
 * rate and ETA, redrawn in place. cli-progress is imported when the view is created.
 */
export async function createTerminalProgressView(stream: Writable, now?: () => number): Promise<ProgressView> {
  const { default: cliProgress } = await import('cli-progress');
  const multibar: MultiBar = new cliProgress.MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 24,
      fps: 10,
      format: (options, params, payload: BarPayload) => {
        const size = options.barsize ?? 24;
        const filled = Math.round(Math.min(1, Math.max(0, params.progress)) * size);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(size - filled)}`;
        return `${payload.label} ${bar} ${payload.detail}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const trackerOf = trackersByJob(now);
  const bars = new Map<string, SingleBar>();
  const labelWidth = 28;
  return {
    update(report) {
      const tracker = trackerOf(report.job);
      for (const progress of tracker.update(report).filesystems) {
        const key = `${progress.job}\0${progress.filesystem}`;
        const total = Math.max(1, progress.expectedBytes ?? progress.bytes, progress.bytes);
        const value = progress.state === 'completed' || progress.state === 'skipped' ? total : progress.bytes;
        const payload: BarPayload = { label: fit(`${progress.job}: ${progress.filesystem}`, labelWidth), detail: detail(progress) };
        const bar = bars.get(key);
        if (bar === undefined) bars.set(key, multibar.create(total, value, payload));
        else {
          bar.setTotal(total);
          bar.update(value, payload);
        }
      }
    },
    stop() {
      multibar.update();
      multibar.stop();
    },
  };
}

function fit(text: string, width: number): string {
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text.padEnd(width);
}

function detail(p: FilesystemProgress): string {
  const expected = p.expectedBytes !== undefined ? ` / ${formatBytes(p.expectedBytes)}` : '';
  const rate = p.rate !== undefined && p.state === 'active' ? `  ${formatBytes(Math.round(p.rate))}/s  ETA ${formatSeconds(p.etaSeconds)}` : '';
  const problem = p.problem !== undefined ? `  ${p.problem.kind}: ${p.problem.message}` : '';
  return `${formatBytes(p.bytes)}${expected}${rate}  ${p.state}${problem}`.slice(0, 110);
}
