import type { FilesystemFilter } from '../filter/filesystem-filter.js';
import type { CommandOutcome } from './run-command.js';

/**
 * zrepl's snapshotting hooks: each `type: command` hook runs once per filesystem it selects before
 * the snapshot (`ZREPL_HOOKTYPE=pre_snapshot`) and once after it (`post_snapshot`). Pre hooks run
 * in the configured order; a failing hook with `err_is_fatal` stops that filesystem's later pre
 * hooks and its snapshot. A post hook runs for every hook whose pre hook was started, in reverse
 * order, whether the snapshot was taken, failed or was skipped: a database frozen by a pre hook is
 * unfrozen even after a failure. Filesystems are handled one after another, so two hooks never
 * freeze the same service at once.
 */

/** One `type: command` hook, resolved. */
export interface SnapshotHook {
  path: string;
  timeoutMs: number;
  errIsFatal: boolean;
  /** The filesystems it runs for; absent: every filesystem the snapshot covers. */
  filter?: FilesystemFilter | undefined;
}

/** `pre_snapshot` or `post_snapshot`, as `ZREPL_HOOKTYPE` spells it. */
export type HookPhase = 'pre_snapshot' | 'post_snapshot';

/** A pre hook that was started on a filesystem: its post hook is owed. */
export interface HookRun {
  /** Index of the hook in `snapshotting.hooks`. */
  hook: number;
  filesystem: string;
}

/** A hook that failed. */
export interface HookFailure extends HookRun {
  phase: HookPhase;
  path: string;
  /** Whether it kept the filesystem from being snapshotted. */
  fatal: boolean;
  message: string;
}

/** What the post hooks are told about the snapshot, in `XREPL_SNAPSHOT_RESULT`. */
export type SnapshotResultForHooks = 'taken' | 'failed' | 'skipped';

/** The outcome of {@link runPreHooks}. */
export interface PreHooksOutcome {
  ran: HookRun[];
  /** Filesystems a fatal pre hook kept from the snapshot. */
  skipped: string[];
  failures: HookFailure[];
}

/** Runs one hook program with its environment. */
export type HookRunner = (hook: SnapshotHook, env: Record<string, string>, signal: AbortSignal) => Promise<CommandOutcome>;

/** Everything the hooks of one snapshot need. */
export interface HookContext {
  hooks: readonly SnapshotHook[];
  job: string;
  snapshot: string;
  run: HookRunner;
  signal: AbortSignal;
}

/** The environment a hook gets, zrepl's names first so zrepl hook scripts run unchanged. */
export function hookEnvironment(phase: HookPhase, filesystem: string, snapshot: string, job: string, result?: SnapshotResultForHooks): Record<string, string> {
  return {
    ZREPL_HOOKTYPE: phase,
    ZREPL_FS: filesystem,
    ZREPL_SNAPNAME: snapshot,
    // xrepl never runs hooks for a dry run; the variable is there because zrepl scripts test it.
    ZREPL_DRYRUN: 'false',
    XREPL_JOB: job,
    ...(result !== undefined ? { XREPL_SNAPSHOT_RESULT: result } : {}),
  };
}

function failure(context: HookContext, run: HookRun, phase: HookPhase, fatal: boolean, outcome: CommandOutcome): HookFailure {
  const path = context.hooks[run.hook]?.path ?? '';
  return { ...run, phase, path, fatal, message: `${phase} hook ${path} on ${run.filesystem}: ${outcome.failure ?? 'failed'}` };
}

/** Runs the pre hooks of a snapshot over its filesystems. */
export async function runPreHooks(context: HookContext, filesystems: readonly string[]): Promise<PreHooksOutcome> {
  const outcome: PreHooksOutcome = { ran: [], skipped: [], failures: [] };
  for (const filesystem of filesystems) {
    for (const [index, hook] of context.hooks.entries()) {
      if (hook.filter !== undefined && !hook.filter.matches(filesystem)) continue;
      const run = { hook: index, filesystem };
      outcome.ran.push(run);
      const result = await context.run(hook, hookEnvironment('pre_snapshot', filesystem, context.snapshot, context.job), context.signal);
      if (result.ok) continue;
      outcome.failures.push(failure(context, run, 'pre_snapshot', hook.errIsFatal, result));
      if (hook.errIsFatal) {
        outcome.skipped.push(filesystem);
        break;
      }
    }
  }
  return outcome;
}

/** Runs the post hooks owed by `ran`, last started first, with how the snapshot of each filesystem went. */
export async function runPostHooks(
  context: HookContext,
  ran: readonly HookRun[],
  resultOf: (filesystem: string) => SnapshotResultForHooks,
): Promise<HookFailure[]> {
  const failures: HookFailure[] = [];
  for (const run of [...ran].reverse()) {
    const hook = context.hooks[run.hook];
    if (hook === undefined) continue;
    const env = hookEnvironment('post_snapshot', run.filesystem, context.snapshot, context.job, resultOf(run.filesystem));
    // The snapshot is done or abandoned by now: a post hook's failure is reported, never fatal.
    const result = await context.run(hook, env, context.signal);
    if (!result.ok) failures.push(failure(context, run, 'post_snapshot', false, result));
  }
  return failures;
}
