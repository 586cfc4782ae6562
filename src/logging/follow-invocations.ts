/**
 * Logs each invocation of a job as it finishes (`run` and the daemon both use it), and at debug
 * level every zfs and ssh command with its duration and how it ended.
 */
import type { ReplicationJob } from '../runner/replication-job.js';
import { setFinishedCommandListener, type FinishedCommand } from '../zfs/command-log-hook.js';
import { invocationOutcomeLines } from './invocation-outcome.js';

/** The logger calls used here (pino's Logger fits). */
export interface OutcomeLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  isLevelEnabled(level: string): boolean;
}

/** Logs every finished invocation of the job; returns the function that stops it. */
export function followInvocations(job: ReplicationJob, logger: OutcomeLogger): () => void {
  const subscription = job.actor.on('invocation.finished', ({ invocation }) => {
    // The event comes after the snapshot that holds the invocation, so the report has it.
    const last = job.report().last;
    if (last === undefined || last.number !== invocation.number) return;
    for (const line of invocationOutcomeLines(job.name, last)) logger[line.level](line.fields, line.message);
  });
  return () => subscription.unsubscribe();
}

function describeEnd(c: FinishedCommand): string {
  if (c.spawnError !== undefined) return `not started (${c.spawnError})`;
  if (c.signal !== undefined) return `killed by ${c.signal}`;
  return `exit ${c.exitCode ?? '?'}`;
}

/** At debug level, logs each zfs/ssh process the runner ran; returns the function that stops it. */
export function logFinishedCommands(logger: OutcomeLogger): () => void {
  if (!logger.isLevelEnabled('debug')) return () => undefined;
  setFinishedCommandListener((c) =>
    logger.debug({ command: c.command, seconds: c.seconds, exitCode: c.exitCode, signal: c.signal }, `${c.command.join(' ')}: ${describeEnd(c)} after ${c.seconds.toFixed(3)} s`),
  );
  return () => setFinishedCommandListener(undefined);
}
