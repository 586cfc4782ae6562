import type { Writable } from 'node:stream';
import type { Logger } from 'pino';

/** How log lines look: `auto` picks `human` on a terminal and `json` otherwise. */
export type LogFormat = 'auto' | 'json' | 'human';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level name: trace, debug, info, warn, error, fatal or silent. */
  level: string;
  format: LogFormat;
  /** Where lines go; stderr by default, so that stdout carries only reports. */
  destination?: (Writable & { isTTY?: boolean }) | undefined;
}

/**
 * A structured pino logger: JSON lines, or human-readable lines through pino-pretty on a terminal.
 * pino and pino-pretty are imported here, on first use, so commands that log nothing stay fast.
 */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const { pino } = await import('pino');
  const destination = options.destination ?? process.stderr;
  const human = options.format === 'human' || (options.format === 'auto' && destination.isTTY === true);
  if (!human) return pino({ level: options.level, base: undefined }, destination);
  const { default: pretty } = await import('pino-pretty');
  const stream = pretty({
    destination,
    sync: true,
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
  return pino({ level: options.level, base: undefined }, stream);
}
