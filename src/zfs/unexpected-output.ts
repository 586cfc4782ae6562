import { EndpointError } from '../domain/errors.js';
import { printableLine } from '../domain/printable-text.js';

/**
 * The error for zfs output xrepl cannot parse: names the command and quotes the line (cut to 200
 * characters, C0 escaped by JSON and C1 controls too, since hostile output may carry CSI bytes).
 */
export function unexpectedOutput(command: readonly string[], line: string, why: string): EndpointError {
  const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  return new EndpointError(`unexpected output from \`${command.join(' ')}\` (${why}): ${printableLine(JSON.stringify(shown))}`, {
    kind: 'unexpected-output',
    command,
  });
}

/** The non-empty lines of a command's output, without a trailing carriage return. */
export function outputLines(stdout: string): string[] {
  return stdout.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.length > 0);
}
