import type { CommandContext } from '../cli/command-context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.js';
import type { LiveFeed } from './live-feed.js';
import type { LiveViewServer } from './live-view-server.js';

/** Where `--web` serves when given no address: loopback, on a free port. */
export const DEFAULT_STATUS_WEB_LISTEN = { host: '127.0.0.1', port: 0 };

/** Reads `--web`'s `host:port` or `port`; a missing host is loopback. */
export function parseWebListen(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]*):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw new Error(`--web ${JSON.stringify(text)}: expected "host:port", ":port" or "port" (e.g. 127.0.0.1:9812)`);
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? DEFAULT_STATUS_WEB_LISTEN.host : host, port };
}

/**
 * `xrepl status --web`: serves the live view of a running daemon on this machine, fed through its
 * control socket (for a daemon whose configuration serves none). Prints the address, then runs
 * until SIGINT or SIGTERM (exit 0) or until the daemon goes away (exit 1).
 */
export async function runStatusWebCommand(socketPath: string, web: string | true, context: CommandContext): Promise<number> {
  let listen: { host: string; port: number };
  try {
    listen = web === true ? DEFAULT_STATUS_WEB_LISTEN : parseWebListen(web);
  } catch (error) {
    context.stderr.write(`xrepl status: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  const [{ connectControlFeed }, { startLiveViewServer }] = await Promise.all([import('./control-feed.js'), import('./live-view-server.js')]);
  let feed: LiveFeed | undefined;
  let server: LiveViewServer | undefined;
  try {
    feed = await connectControlFeed(socketPath);
    server = await startLiveViewServer({ ...listen, feed, title: 'xrepl live view' });
    context.stdout.write(`live view of the daemon at ${socketPath}: ${server.url}\n`);
    const changes = feed.changes$;
    const ended = await new Promise<'signal' | 'daemon'>((resolve) => {
      const onSignal = (): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve('signal');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      changes.subscribe({ complete: () => resolve('daemon') });
    });
    if (ended === 'daemon') {
      context.stderr.write(`xrepl status: the daemon at ${socketPath} closed the connection\n`);
      return EXIT_FAILED;
    }
    return EXIT_OK;
  } catch (error) {
    context.stderr.write(`xrepl status: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await server?.close();
    feed?.close();
  }
}
