import { PLACEHOLDER_PROPERTY } from '../endpoint/cursor.js';
import { EndpointError } from '../domain/errors.js';
import { datasetExistsError, missingRootError, missingRootParentError } from '../endpoint/receive-refusals.js';
import { parentFilesystem } from '../domain/dataset-name.js';
import { attemptZfs, runZfs } from './command-runner.js';
import { isPlaceholderRow, RESUME_TOKEN_PROPERTY, snapshottedAmong } from './list-filesystems.js';
import { getRows } from './listing.js';
import type { PropertyRow } from './property-rows.js';
import { createPlaceholderArgs, setPropertyArgs } from './zfs-args.js';
import type { ZfsContext } from './zfs-context.js';
import type { ZfsFeatures } from './zfs-features.js';

/** How a full receive goes into its target. */
export interface FullReceiveTarget {
  /**
   * Receive with `-F`: the target is xrepl's own, a placeholder (made now or earlier) or what an
   * interrupted receive left. Never set for anything else, so an operator's data is never replaced.
   */
  force: boolean;
  /** The target carries xrepl's placeholder mark, to be cleared once the stream is in. */
  unmark: boolean;
}

/** The receiver root that full receives are confined to. */
export interface ReceiveRoot {
  /** Placeholders are created only strictly below it; it must exist. */
  rootFs: string;
  /** Create `rootFs` (its parent must exist) when it is missing, instead of failing. */
  create: boolean;
}

/** What is at a full receive's target, as one look shows it. */
export type TargetState =
  | { kind: 'absent' }
  /** xrepl's placeholder: the local mark is on and it has no snapshot. */
  | { kind: 'placeholder' }
  /** What an interrupted resumable receive left (OpenZFS: a `receive_resume_token`). */
  | { kind: 'interrupted'; placeholder: boolean }
  /** Anything else; the error says what and what the operator can do. */
  | { kind: 'foreign'; error: EndpointError };

/** The filesystem and each of its ancestors, pool first: `a/b/c` → `a`, `a/b`, `a/b/c`. */
export function selfAndAncestors(filesystem: string): string[] {
  const parts = filesystem.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function lookProperties(features: ZfsFeatures): string[] {
  return [PLACEHOLDER_PROPERTY, ...(features.resumableReceive ? [RESUME_TOKEN_PROPERTY] : [])];
}

function rowsByName(rows: readonly PropertyRow[]): Map<string, Map<string, PropertyRow>> {
  const out = new Map<string, Map<string, PropertyRow>>();
  for (const row of rows) {
    const props = out.get(row.name) ?? new Map<string, PropertyRow>();
    props.set(row.property, row);
    out.set(row.name, props);
  }
  return out;
}

/** Classifies an existing target from its own rows of one look (placeholder mark, resume token). */
async function existingState(ctx: ZfsContext, filesystem: string, props: ReadonlyMap<string, PropertyRow>, signal: AbortSignal): Promise<TargetState> {
  const marked = isPlaceholderRow(props.get(PLACEHOLDER_PROPERTY));
  const token = props.get(RESUME_TOKEN_PROPERTY)?.value;
  if (token !== undefined && token !== '-' && token !== '') return { kind: 'interrupted', placeholder: marked };
  // Real received data always has a snapshot: a marked filesystem with one is data that a crash
  // left marked, and is never replaced.
  const snapshotted = (await snapshottedAmong(ctx, [filesystem], signal)).has(filesystem);
  if (marked && !snapshotted) return { kind: 'placeholder' };
  const why = snapshotted ? 'has snapshots' : 'is not a placeholder xrepl made (it has no local xrepl:placeholder=on)';
  return { kind: 'foreign', error: datasetExistsError(filesystem, why) };
}

/** Looks at a full receive's target alone (one `zfs get`, one more where it exists), changing nothing. */
export async function inspectFullReceiveTarget(ctx: ZfsContext, filesystem: string, signal: AbortSignal): Promise<TargetState> {
  const features = await ctx.features(signal);
  const rows = await getRows(ctx, { properties: lookProperties(features), roots: [filesystem], depth: 0, withSource: true }, signal);
  const props = rowsByName(rows).get(filesystem);
  return props === undefined ? { kind: 'absent' } : existingState(ctx, filesystem, props, signal);
}

async function createPlaceholder(ctx: ZfsContext, filesystem: string, signal: AbortSignal): Promise<'created' | 'exists'> {
  // encryption=off only where zfs knows encryption (raw sends): elsewhere every placeholder is unencrypted anyway.
  const encryptionOff = ctx.receiveOptions?.placeholderEncryption === 'off' && (await ctx.features(signal)).sendRaw;
  const args = createPlaceholderArgs(filesystem, PLACEHOLDER_PROPERTY, { encryptionOff });
  const attempt = await attemptZfs(ctx.transport, args, { signal, dataset: filesystem });
  if (attempt.ok) return 'created';
  // Another receive may have created the same parent meanwhile; that is as good.
  if (attempt.error.kind === 'dataset-exists') return 'exists';
  throw attempt.error;
}

/**
 * The fast path into a filesystem that planning's listing showed absent under a present parent:
 * no look first. Where receives resume (OpenZFS), straight into the new filesystem: a killed
 * receive leaves a resume token, which marks the leftover as xrepl's. Where they do not (zfs-fuse,
 * whose killed full receive leaves an ordinary empty filesystem), the target is made a placeholder
 * first and received onto with `-F`, so any leftover is recognisably xrepl's. Undefined when the
 * listing was stale (the target exists, or its parent does not): then {@link prepareFullReceive}.
 */
export async function fastFullReceiveTarget(
  ctx: ZfsContext,
  filesystem: string,
  features: ZfsFeatures,
  signal: AbortSignal,
): Promise<FullReceiveTarget | undefined> {
  if (features.resumableReceive) return { force: false, unmark: false };
  try {
    return (await createPlaceholder(ctx, filesystem, signal)) === 'created' ? { force: true, unmark: true } : undefined;
  } catch (err) {
    if (err instanceof EndpointError && err.kind === 'aborted') throw err;
    return undefined;
  }
}

/**
 * Prepares a full receive: looks at the target and its ancestors down from the root in one
 * `zfs get`, creates the missing ones strictly below the root as placeholders (top down; the root
 * itself only when `root.create` says so), and decides how to receive. An existing target is
 * received onto (`-F`) only when it is xrepl's placeholder or an interrupted receive's leftover;
 * anything else fails `dataset-exists` naming it, and nothing is written to it.
 */
export async function prepareFullReceive(
  ctx: ZfsContext,
  filesystem: string,
  root: ReceiveRoot | undefined,
  signal: AbortSignal,
): Promise<FullReceiveTarget> {
  const features = await ctx.features(signal);
  const chain = selfAndAncestors(filesystem);
  const pool = chain[0] ?? filesystem;
  const floor = root?.rootFs ?? pool;
  if (!chain.includes(floor) || floor === filesystem) {
    throw new EndpointError(`cannot receive into ${filesystem}: it is not below the receiver root ${floor}`, { kind: 'outside-root', dataset: filesystem });
  }
  const looked = chain.slice(chain.indexOf(floor));
  const existing = rowsByName(await getRows(ctx, { properties: lookProperties(features), roots: looked, depth: 0, withSource: true }, signal));
  if (!existing.has(floor)) {
    if (floor === pool) {
      throw new EndpointError(`cannot receive into ${filesystem}: pool ${pool} does not exist`, { kind: 'dataset-not-found', dataset: pool });
    }
    if (root?.create !== true) {
      throw missingRootError(floor);
    }
    const parent = parentFilesystem(floor);
    try {
      await createPlaceholder(ctx, floor, signal);
    } catch (err) {
      if (err instanceof EndpointError && err.kind === 'dataset-not-found') {
        throw missingRootParentError(floor, parent ?? pool, err);
      }
      throw err;
    }
  }
  for (const ancestor of looked.slice(1, -1)) {
    if (!existing.has(ancestor)) await createPlaceholder(ctx, ancestor, signal);
  }
  const props = existing.get(filesystem);
  if (props === undefined) {
    if (features.resumableReceive) return { force: false, unmark: false };
    // No resume token will mark a killed receive's leftover as xrepl's: make the target a placeholder first.
    if ((await createPlaceholder(ctx, filesystem, signal)) === 'created') return { force: true, unmark: true };
    throw new EndpointError(`${filesystem} appeared while the receive started (another receive at the same time); retry`, {
      kind: 'dataset-busy',
      dataset: filesystem,
    });
  }
  const state = await existingState(ctx, filesystem, props, signal);
  switch (state.kind) {
    case 'placeholder':
      return { force: true, unmark: true };
    case 'interrupted':
      return { force: true, unmark: state.placeholder };
    case 'foreign':
      throw state.error;
    case 'absent':
      return { force: false, unmark: false };
  }
}

/**
 * After a stream replaced a placeholder: it is real data now, so the mark goes. Its `canmount`
 * stays as it is (`off` from the placeholder, or `noauto` from `receive -o`): xrepl never makes a
 * received filesystem mount on its own, because a mount changes it and breaks the next incremental.
 */
export async function unmarkPlaceholder(ctx: ZfsContext, filesystem: string, signal: AbortSignal): Promise<void> {
  await runZfs(ctx.transport, setPropertyArgs(PLACEHOLDER_PROPERTY, 'off', filesystem), { signal, dataset: filesystem });
}
