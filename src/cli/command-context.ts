import type { Writable } from 'node:stream';

/** What every command gets from `main.ts`: where to write, and the global options. */
export interface CommandContext {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** `--log-level`, when given; it overrides the configuration's `global.logging.level`. */
  logLevel?: string | undefined;
  /** `--inspect`, when given: connect actors to the Stately inspector. */
  inspect?: boolean | undefined;
  /** `--inspect-url`, when given: the inspector relay's WebSocket address. */
  inspectUrl?: string | undefined;
}

/** A command's result: the process exit code. */
export type ExitCode = 0 | 1 | 2;
