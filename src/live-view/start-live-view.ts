import { createLiveFeed, type LiveJob } from './live-feed.js';
import { startLiveViewServer, type LiveViewServer } from './live-view-server.js';

/** Options of {@link startLiveView}. */
export interface StartLiveViewOptions {
  jobs: readonly LiveJob[];
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port (read it from `url`). */
  port?: number;
  title?: string;
}

/**
 * Serves a live view of an embedder's own jobs: what `xrepl daemon` serves with `global.live_view`.
 * `close()` stops the server and the feed; the jobs keep running.
 */
export async function startLiveView(options: StartLiveViewOptions): Promise<LiveViewServer> {
  const feed = createLiveFeed(options.jobs);
  try {
    const server = await startLiveViewServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, feed, ...(options.title !== undefined ? { title: options.title } : {}) });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        feed.close();
      },
    };
  } catch (error) {
    feed.close();
    throw error;
  }
}
