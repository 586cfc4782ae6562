import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteShellArgument, quoteShellCommand } from '../../src/transport/shell-quote.js';

/** What /bin/sh sees as its arguments when it parses the command line. */
function argumentsSeenBySh(commandLine: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('quoting for the remote POSIX shell', () => {
  it('hands every argument to /bin/sh as exactly one literal word', () => {
    const hostile = fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '$', '`', '\\', ';', '|', '&', '*', '\n', '\t', '(', ')', '#', '~', '!', 'é'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (args) => {
        expect(argumentsSeenBySh(quoteShellCommand(args))).toEqual(args);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a command substitution from running', () => {
    expect(argumentsSeenBySh(quoteShellArgument('$(echo pwned)'))).toEqual(['$(echo pwned)']);
  });

  it('refuses a NUL byte, which no shell word can carry', () => {
    expect(() => quoteShellArgument('a\0b')).toThrow(/NUL/);
  });
});
