import { Cron } from 'croner';

/**
 * `snapshotting.type: cron`: when the next snapshot is due. The expression is cron(8)'s five
 * fields (a sixth, leading seconds field is allowed), evaluated in the machine's local time zone
 * as cron(8) does, unless a zone is given. The answer is pure arithmetic on the clock's `now`, so
 * the snapshotter machine can call it without I/O and tests can drive it with a simulated clock.
 */

/** The next due time strictly after `afterMs`, in epoch ms. */
export type NextSnapshotAt = (afterMs: number) => number;

/** Why a cron expression cannot be used, or undefined. */
export function cronExpressionProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields} in ${JSON.stringify(expression)}`;
  try {
    const cron = new Cron(expression, { paused: true });
    if (cron.nextRun() === null) return `${JSON.stringify(expression)} never fires`;
    return undefined;
  } catch (error) {
    return `invalid cron expression ${JSON.stringify(expression)}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The schedule of a cron expression; throws on an expression {@link cronExpressionProblem} refuses. */
export function cronSchedule(expression: string, timeZone?: string): NextSnapshotAt {
  const problem = cronExpressionProblem(expression);
  if (problem !== undefined) throw new RangeError(problem);
  const cron = new Cron(expression, { paused: true, ...(timeZone !== undefined ? { timezone: timeZone } : {}) });
  return (afterMs) => {
    const next = cron.nextRun(new Date(afterMs));
    if (next === null) throw new RangeError(`cron ${JSON.stringify(expression)} has no time after ${new Date(afterMs).toISOString()}`);
    return next.getTime();
  };
}
