/**
 * The one logging entry point the process layer calls for every zfs (or ssh-to-zfs) process it
 * ran. Like the metrics hook it imports nothing: until a listener is set (the CLI sets one at
 * debug level), a finished command costs one check.
 */

/** One process the runner started and saw end. */
export interface FinishedCommand {
  /** The program and its arguments as spawned (`zfs …`, or `ssh … host 'zfs …'`). */
  command: readonly string[];
  /** From spawn to the end the runner acted on (exit, or the kill after its grace time). */
  seconds: number;
  /** Absent when it ended by a signal or never started. */
  exitCode: number | undefined;
  signal: string | undefined;
  /** Why it never started (ENOENT, EACCES), when it did not. */
  spawnError: string | undefined;
}

/** Receives each finished command. */
export type FinishedCommandListener = (command: FinishedCommand) => void;

let listener: FinishedCommandListener | undefined;

/** Tells the listener, if any, that a command ended; a failing listener never fails the call. */
export function reportFinishedCommand(command: FinishedCommand): void {
  try {
    listener?.(command);
  } catch {
    // Logging must not change what the command did.
  }
}

/** Installs (or, with undefined, removes) the function told about every finished command. */
export function setFinishedCommandListener(next: FinishedCommandListener | undefined): void {
  listener = next;
}
