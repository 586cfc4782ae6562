import { fromPromise } from 'xstate';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { CreateSnapshotsInput, FindSyncPointInput, RunPostHooksInput, RunPreHooksInput } from '../../machines/snapshotter.js';
import { findSyncPoint } from './sync-point.js';
import { runPostHooks, runPreHooks, type HookFailure, type PreHooksOutcome, type SnapshotHook } from '../hooks/snapshot-hooks.js';
import { runCommand } from '../hooks/run-command.js';

/** What the snapshotter's actors need beyond the sender. */
export interface SnapshotterActorOptions {
  /** A cron schedule: the first snapshot is due at its next time (no sync-up to an interval). */
  nextAt?: ((afterMs: number) => number) | undefined;
  hooks?: readonly SnapshotHook[] | undefined;
  /** The job's name, in the hooks' `XREPL_JOB`. */
  job?: string | undefined;
}

// Post hooks undo what pre hooks did (unfreeze a database): a stopping snapshotter still runs them,
// each bounded by its own timeout.
const NEVER = new AbortController().signal;

/** The snapshotter machine's actors, bound to the sender endpoint that gets the snapshots. */
export function snapshotterActors(sender: Endpoint, now: () => number, options: SnapshotterActorOptions = {}) {
  const hooks = options.hooks ?? [];
  const run = (hook: SnapshotHook, env: Record<string, string>, signal: AbortSignal) => runCommand(hook.path, { env, timeoutMs: hook.timeoutMs, signal });
  const context = (snapshot: string, signal: AbortSignal) => ({ hooks, job: options.job ?? '', snapshot, run, signal });
  return {
    findSyncPoint: fromPromise<number, FindSyncPointInput>(async ({ input, signal }) => {
      if (options.nextAt !== undefined) return options.nextAt(now());
      const versions = await sender.listVersions(undefined, signal);
      return findSyncPoint({ versions, prefix: input.prefix, intervalMs: input.intervalMs, now: now() }).at;
    }),
    listFilesystems: fromPromise<string[], void>(async ({ signal }) => {
      const filesystems = await sender.listFilesystems(signal);
      return filesystems.map((fs) => fs.path);
    }),
    createSnapshots: fromPromise<void, CreateSnapshotsInput>(async ({ input, signal }) => {
      await sender.createSnapshots(input.filesystems, input.snapshot, signal);
    }),
    runPreHooks: fromPromise<PreHooksOutcome, RunPreHooksInput>(({ input, signal }) => runPreHooks(context(input.snapshot, signal), input.filesystems)),
    runPostHooks: fromPromise<HookFailure[], RunPostHooksInput>(({ input }) =>
      runPostHooks(context(input.snapshot, NEVER), input.ran, (fs) => (input.skipped.includes(fs) ? 'skipped' : input.outcome)),
    ),
  };
}
