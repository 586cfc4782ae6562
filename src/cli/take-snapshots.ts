import type { Endpoint } from '../endpoint/endpoint.js';
import { errorMessage } from '../domain/errors.js';
import { snapshotName } from '../endpoint/snapshot-name.js';
import type { SnapshotNaming } from '../snapshotter/timestamp-format.js';
import { runPostHooks, runPreHooks, type HookFailure, type HookRun, type SnapshotHook } from '../hooks/snapshot-hooks.js';
import { runCommand } from '../hooks/run-command.js';

/** What `run --once` did before replicating a periodic or cron job. */
export interface SnapshotResult {
  /** The snapshot name taken on every filesystem, e.g. `xrepl_20261126_093000_000`. */
  snapshot?: string | undefined;
  filesystems: string[];
  /** Why no snapshot was taken. */
  error?: string | undefined;
  /** Hooks that failed (a fatal pre hook's filesystem is not in `filesystems`). */
  hookFailures?: HookFailure[] | undefined;
}

/** Options of {@link takePeriodicSnapshots} beyond the prefix. */
export interface TakeSnapshotsOptions {
  naming?: SnapshotNaming | undefined;
  hooks?: readonly SnapshotHook[] | undefined;
  job?: string | undefined;
}

/**
 * Takes one snapshot named `<prefix><time>` of every filesystem the sender serves (its filter
 * decides which), in one createSnapshots call, as zrepl's snapshotter does each interval; with
 * hooks, their pre hooks before and the post hooks they owe after, whatever became of the snapshot.
 */
export async function takePeriodicSnapshots(sender: Endpoint, prefix: string, at: Date, signal: AbortSignal, options: TakeSnapshotsOptions = {}): Promise<SnapshotResult> {
  let filesystems: string[] = [];
  const hooks = options.hooks ?? [];
  let ran: HookRun[] = [];
  let skipped: string[] = [];
  const failures: HookFailure[] = [];
  let snapshot: string | undefined;
  const context = (s: AbortSignal) => ({
    hooks,
    job: options.job ?? '',
    snapshot: snapshot ?? '',
    run: (hook: SnapshotHook, env: Record<string, string>, hookSignal: AbortSignal) => runCommand(hook.path, { env, timeoutMs: hook.timeoutMs, signal: hookSignal }),
    signal: s,
  });
  let outcome: 'taken' | 'failed' = 'failed';
  try {
    filesystems = (await sender.listFilesystems(signal)).map((fs) => fs.path);
    if (filesystems.length === 0) return { filesystems, error: 'the sender serves no filesystem (check the filesystems: patterns)' };
    snapshot = snapshotName(prefix, at, options.naming);
    if (hooks.length > 0) {
      const pre = await runPreHooks(context(signal), filesystems);
      ({ ran, skipped } = pre);
      failures.push(...pre.failures);
      filesystems = filesystems.filter((fs) => !skipped.includes(fs));
    }
    if (filesystems.length === 0) return { filesystems, error: 'every filesystem was skipped by a fatal pre_snapshot hook', hookFailures: failures };
    await sender.createSnapshots(filesystems, snapshot, signal);
    outcome = 'taken';
    return { snapshot, filesystems, ...(failures.length > 0 ? { hookFailures: failures } : {}) };
  } catch (error) {
    return { filesystems, error: errorMessage(error), ...(failures.length > 0 ? { hookFailures: failures } : {}) };
  } finally {
    // Post hooks undo pre hooks: they run even when the snapshot failed or the run is stopping.
    if (ran.length > 0) failures.push(...(await runPostHooks(context(new AbortController().signal), ran, (fs) => (skipped.includes(fs) ? 'skipped' : outcome))));
  }
}
