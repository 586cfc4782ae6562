/**
 * Quoting for the remote POSIX shell. ssh hands the remote side one command string that its login
 * shell parses, so every argument must reach that shell as a single literal word.
 */

/**
 * Quotes one argument as a single POSIX shell word: wrapped in single quotes, with each single
 * quote written as `'\''`. Inside single quotes the shell expands nothing (`$`, backticks, `\`,
 * globs, newlines and `;` are all literal), so no dataset name can inject a command.
 */
export function quoteShellArgument(arg: string): string {
  if (arg.includes('\0')) throw new TypeError(`argument ${JSON.stringify(arg)} contains a NUL byte`);
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one command line for a POSIX shell, each quoted as one word. */
export function quoteShellCommand(args: readonly string[]): string {
  return args.map(quoteShellArgument).join(' ');
}
