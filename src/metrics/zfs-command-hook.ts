/**
 * The one metrics entry point the zfs layer calls. It imports nothing: until metrics are enabled
 * (`setZfsCommandObserver`), an observation is a no-op, so the zfs layer never loads prom-client.
 */

/** Receives the duration of one finished zfs command. */
export type ZfsCommandObserver = (command: string, seconds: number) => void;

let observer: ZfsCommandObserver | undefined;

/** Records that `zfs <command>` (e.g. `send`, `list`) took `seconds`; free when metrics are off. */
export function observeZfsCommand(command: string, seconds: number): void {
  observer?.(command, seconds);
}

/** Installs (or, with undefined, removes) the function that records zfs command durations. */
export function setZfsCommandObserver(next: ZfsCommandObserver | undefined): void {
  observer = next;
}
