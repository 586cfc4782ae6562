import { EndpointError } from '../domain/errors.js';
import type { DestroyResult } from '../endpoint/endpoint.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { destroyBatches, snapshotBatches } from './argument-batches.js';
import { destroySnapshotsArgs, getPropertiesArgs, snapshotArgs, checkName } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';

function withCreated(error: EndpointError, name: string | undefined, made: readonly string[]): EndpointError {
  if (made.length === 0) return error;
  return new EndpointError(`${error.message} (already created: ${made.join(', ')})`, {
    kind: error.kind,
    errorClass: error.errorClass,
    dataset: name ?? error.dataset,
    command: error.command,
    stderr: error.stderr,
    cause: error,
  });
}

/**
 * Creates `<fs>@<snapshot>` on each filesystem. Where zfs takes several names, one call per pool
 * (OpenZFS refuses one call across pools, and a job spanning two pools would get no snapshot at
 * all), split further by size so no command exceeds the argument limits; each call is atomic for
 * its names. Where it takes one name (zfs-fuse), one call each. It stops at the first failure
 * and names the snapshots already made.
 */
export async function createSnapshots(ctx: ZfsContext, filesystems: readonly string[], snapshot: string, signal: AbortSignal): Promise<void> {
  const names = [...new Set(filesystems)].map((fs) => {
    checkName(fs, 'filesystem');
    return checkName(`${fs}@${snapshot}`, 'snapshot');
  });
  if (names.length === 0) return;
  const features = await ctx.features(signal);
  const batches = features.multiSnapshot ? snapshotBatches(names) : names.map((name) => [name]);
  const made: string[] = [];
  for (const batch of batches) {
    const attempt = await attemptZfs(ctx.transport, snapshotArgs(batch), { signal, dataset: batch.length === 1 ? batch[0] : undefined });
    if (!attempt.ok) throw withCreated(attempt.error, batch.length === 1 ? batch[0] : undefined, made);
    made.push(...batch);
  }
}

/** The snapshot names that `zfs destroy -v fs@a,b,...` said it destroyed. */
export function destroyedByVerboseOutput(stdout: string, filesystem: string): Set<string> {
  const prefix = `${filesystem}@`;
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const m = /^(?:will )?destroy (.*)$/.exec(line.trimEnd());
    if (m?.[1]?.startsWith(prefix)) names.add(m[1].slice(prefix.length));
  }
  return names;
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
 * Destroys snapshots of one filesystem, one result each. Where zfs takes comma lists the list goes
 * in as few calls as the argument limits allow, each of which OpenZFS applies all or nothing; the
 * names of a call that fails (or all, without comma lists) get a call each, so each gets its own
 * result.
 */
export async function destroySnapshots(ctx: ZfsContext, filesystem: string, snapshots: readonly string[], signal: AbortSignal): Promise<DestroyResult[]> {
  checkName(filesystem, 'filesystem');
  for (const s of snapshots) checkName(`${filesystem}@${s}`, 'snapshot');
  if (snapshots.length === 0) return [];
  const features = await ctx.features(signal);
  const batches = features.destroyCommaList ? destroyBatches(filesystem, snapshots) : snapshots.map((s) => [s]);
  const results: DestroyResult[] = [];
  for (const batch of batches) {
    if (batch.length > 1) {
      const attempt = await attemptZfs(ctx.transport, destroySnapshotsArgs(filesystem, batch, { verbose: true }), { signal, dataset: filesystem });
      if (attempt.ok) {
        // OpenZFS skips names of a comma list that do not exist and still exits 0; `-v` prints a
        // `will destroy fs@name` line for each one it destroyed, so the rest are reported missing.
        const destroyed = destroyedByVerboseOutput(attempt.stdout, filesystem);
        for (const name of batch) {
          results.push(
            destroyed.has(name)
              ? { name }
              : { name, error: new EndpointError(`cannot destroy ${filesystem}@${name}: it does not exist`, { kind: 'dataset-not-found', dataset: `${filesystem}@${name}` }) },
          );
        }
        continue;
      }
      if (attempt.error.kind === 'aborted') throw attempt.error;
    }
    for (const name of batch) {
      const full = `${filesystem}@${name}`;
      const attempt = await attemptZfs(ctx.transport, destroySnapshotsArgs(filesystem, [name]), { signal, dataset: full });
      if (attempt.ok) results.push({ name });
      else if (attempt.error.kind === 'aborted') throw attempt.error;
      else results.push({ name, error: await explainBusy(ctx, attempt.error, full, signal) });
    }
  }
  return results;
}
