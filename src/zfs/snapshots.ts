import { EndpointError } from '../domain/errors.js';
import type { DestroyResult } from '../endpoint/endpoint.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { destroySnapshotsArgs, getPropertiesArgs, snapshotArgs, checkName } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

/**
 * Creates `<fs>@<snapshot>` on each filesystem: in one atomic call where zfs takes several names,
 * else one call each (zfs-fuse), stopping at the first failure with the ones already made named.
 */
export async function createSnapshots(ctx: ZfsContext, filesystems: readonly string[], snapshot: string, signal: AbortSignal): Promise<void> {
  const names = [...new Set(filesystems)].map((fs) => {
    checkName(fs, 'filesystem');
    return checkName(`${fs}@${snapshot}`, 'snapshot');
  });
  if (names.length === 0) return;
  const features = await ctx.features(signal);
  if (features.multiSnapshot) {
    await runZfs(ctx.transport, snapshotArgs(names), { signal });
    return;
  }
  const made: string[] = [];
  for (const name of names) {
    const attempt = await attemptZfs(ctx.transport, snapshotArgs([name]), { signal, dataset: name });
    if (!attempt.ok) {
      if (made.length === 0) throw attempt.error;
      throw new EndpointError(`${attempt.error.message} (already created: ${made.join(', ')})`, {
        kind: attempt.error.kind,
        errorClass: attempt.error.errorClass,
        dataset: name,
        command: attempt.error.command,
        stderr: attempt.error.stderr,
        cause: attempt.error,
      });
    }
    made.push(name);
  }
}

/** A busy snapshot with user holds is held, which no retry fixes; without holds it is merely busy. */
async function explainBusy(ctx: ZfsContext, error: EndpointError, name: string, signal: AbortSignal): Promise<EndpointError> {
  if (error.kind !== 'dataset-busy') return error;
  const check = await attemptZfs(ctx.transport, getPropertiesArgs({ properties: ['userrefs'], roots: [name], depth: 0, withSource: false }), { signal, dataset: name });
  const refs = check.ok ? /\tuserrefs\t([0-9]+)$/m.exec(check.stdout)?.[1] : undefined;
  if (refs === undefined || refs === '0') return error;
  return new EndpointError(`cannot destroy ${name}: it has ${refs} user hold(s)`, {
    kind: 'snapshot-held',
    dataset: name,
    command: error.command,
    stderr: error.stderr,
    cause: error,
  });
}

/**
 * Destroys snapshots of one filesystem, one result each. Where zfs takes comma lists the whole
 * list goes in one call, which OpenZFS applies all or nothing; if that fails (or there are no
 * comma lists) each snapshot gets its own call so each gets its own result.
 */
export async function destroySnapshots(ctx: ZfsContext, filesystem: string, snapshots: readonly string[], signal: AbortSignal): Promise<DestroyResult[]> {
  checkName(filesystem, 'filesystem');
  for (const s of snapshots) checkName(`${filesystem}@${s}`, 'snapshot');
  if (snapshots.length === 0) return [];
  const features = await ctx.features(signal);
  if (features.destroyCommaList && snapshots.length > 1) {
    const batch = await attemptZfs(ctx.transport, destroySnapshotsArgs(filesystem, snapshots), { signal, dataset: filesystem });
    if (batch.ok) return snapshots.map((name) => ({ name }));
    if (batch.error.kind === 'aborted') throw batch.error;
  }
  const results: DestroyResult[] = [];
  for (const name of snapshots) {
    const full = `${filesystem}@${name}`;
    const attempt = await attemptZfs(ctx.transport, destroySnapshotsArgs(filesystem, [name]), { signal, dataset: full });
    if (attempt.ok) results.push({ name });
    else if (attempt.error.kind === 'aborted') throw attempt.error;
    else results.push({ name, error: await explainBusy(ctx, attempt.error, full, signal) });
  }
  return results;
}
