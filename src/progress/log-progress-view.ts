import type { Logger } from 'pino';
import { describeBlockedOn } from '../report/describe-blocked-on.js';
import { formatBytes } from './format-units.js';
import { trackersByJob } from './progress-tracker.js';
import type { ProgressView } from './progress-view.js';

/**
 * A progress view for logs and pipes: one structured line per change of a job's state, of a
 * filesystem's state, and per watchdog cancellation. No bars, no carriage returns.
 */
export function createLogProgressView(logger: Logger, now?: () => number): ProgressView {
  const trackerOf = trackersByJob(now);
  return {
    update(report) {
      const tracker = trackerOf(report.job);
      for (const event of tracker.update(report).events) {
        switch (event.type) {
          case 'job-state':
            logger.info({ job: event.job, state: event.to }, `job ${event.job}: ${event.to}`);
            break;
          case 'watchdog':
            logger.warn({ job: event.job, cancelled: event.cancelled }, `job ${event.job}: watchdog cancelled ${event.cancelled}: ${event.message}`);
            break;
          case 'filesystem-state': {
            const p = event.progress;
            const fields = { job: p.job, filesystem: p.filesystem, state: p.state, bytes: p.bytes, expectedBytes: p.expectedBytes };
            const size = p.bytes > 0 ? ` (${formatBytes(p.bytes)})` : '';
            if (p.problem !== undefined) {
              logger.warn({ ...fields, problem: p.problem }, `${p.filesystem}: ${p.state}: ${p.problem.message}${p.blockedOn ? `; waiting for ${describeBlockedOn(p.blockedOn)}` : ''}`);
            } else {
              logger.info(fields, `${p.filesystem}: ${p.state}${size}`);
            }
            break;
          }
        }
      }
    },
    stop() {},
  };
}
