import type { ActorState } from './actor-states.js';
import type { LiveReport } from './live-report.js';

/**
 * What the live view streams: a `hello` with the current state of every job (what a page that
 * connects late gets, instead of a replay), then changes. State changes carry state values only,
 * never contexts; the report is the part of the job's report the page shows, sent at most
 * every {@link REPORT_DELAY_MS} ms while the job works.
 */

/** One job as it is now. */
export interface LiveJobState {
  job: string;
  actors: ActorState[];
  report: LiveReport;
}

/** A message of the live stream. */
export type LiveMessage =
  | { type: 'hello'; jobs: LiveJobState[] }
  /** Actors that appeared or changed state (`set`), and those that are gone (`removed`, by path). */
  | { type: 'states'; job: string; set: ActorState[]; removed: string[] }
  | { type: 'report'; job: string; report: LiveReport };

/** How long a change waits before the report that shows it is built (changes within it share one). */
export const REPORT_DELAY_MS = 250;

/** The `hello` a stream starts with. */
export type LiveHello = Extract<LiveMessage, { type: 'hello' }>;

/** Applies a change to the state a `hello` describes (what a relay of the stream keeps). */
export function applyLiveMessage(state: LiveHello, message: LiveMessage): LiveHello {
  if (message.type === 'hello') return message;
  const jobs = state.jobs.map((entry) => {
    if (entry.job !== message.job) return entry;
    if (message.type === 'report') return { ...entry, report: message.report };
    const gone = new Set([...message.removed, ...message.set.map((a) => a.path)]);
    return { ...entry, actors: [...entry.actors.filter((a) => !gone.has(a.path)), ...message.set] };
  });
  return { type: 'hello', jobs };
}
