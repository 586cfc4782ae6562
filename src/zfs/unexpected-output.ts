import { EndpointError } from '../domain/errors.js';

/** The error for zfs output xrepl cannot parse: names the command and quotes the line. */
export function unexpectedOutput(command: readonly string[], line: string, why: string): EndpointError {
  return new EndpointError(`unexpected output from \`${command.join(' ')}\` (${why}): ${JSON.stringify(line)}`, {
    kind: 'unexpected-output',
    command,
  });
}

/** The non-empty lines of a command's output, without a trailing carriage return. */
export function outputLines(stdout: string): string[] {
  return stdout.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.length > 0);
}
