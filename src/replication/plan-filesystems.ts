import type { FilesystemVersion, ListedVersion } from '../domain/version.js';
import type { FilesystemInfo } from '../endpoint/endpoint.js';
import { incrementalPath } from '../planning/incremental-path.js';
import { initialReplicationPath } from '../planning/initial-replication-path.js';
import type { InitialReplicationPolicy } from '../runner/job-options.js';
import { nextStepDate, type FilesystemEntry, type PlannedStep } from './filesystem-entry.js';
import { permanentProblem } from './problem.js';

/** What planning has listed on both sides. */
export interface PlanningListing {
  senderFilesystems: readonly FilesystemInfo[];
  receiverFilesystems: readonly FilesystemInfo[];
  senderVersions: ReadonlyMap<string, readonly ListedVersion[]>;
  receiverVersions: ReadonlyMap<string, readonly ListedVersion[]>;
  /** The sender's replication cursors of this job. */
  senderCursors: ReadonlyMap<string, FilesystemVersion>;
}

function stepsAlong(path: readonly FilesystemVersion[], firstIsFull: boolean, receiver: FilesystemInfo | undefined): PlannedStep[] {
  const steps: PlannedStep[] = [];
  // Resume a partial stream only where it leads to the first step (its snapshot and, for an
  // incremental, its base), when the receiver can tell: a stream to another snapshot cannot
  // continue this plan, so the transfer clears it and sends afresh. A token the receiver could not
  // read is tried: the sender checks where it leads, and the transfer clears it if it leads nowhere.
  const first = firstIsFull ? path[0] : path[1];
  const base = firstIsFull ? undefined : path[0];
  const token = receiver?.resumeToken;
  const tokenGuid = receiver?.resumeTokenGuid;
  const leadsHere = tokenGuid === first?.guid && (receiver?.resumeTokenFromGuid ?? 0n) === (base?.guid ?? 0n);
  const resumeToken = token !== undefined && (tokenGuid === undefined || leadsHere) ? token : undefined;
  const discardPartial = token !== undefined && tokenGuid !== undefined && !leadsHere;
  const transfer = (from: FilesystemVersion | undefined, to: FilesystemVersion): PlannedStep => ({
    kind: 'transfer',
    from,
    to,
    bytes: 0,
    received: false,
    done: false,
    resumeToken: steps.length === 0 ? resumeToken : undefined,
    ...(steps.length === 0 && discardPartial ? { discardPartial: true } : {}),
  });
  if (firstIsFull && path[0]) steps.push(transfer(undefined, path[0]));
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1];
    const to = path[i];
    if (from && to) steps.push(transfer(from, to));
  }
  return steps;
}

function entry(path: string, steps: PlannedStep[], fields: Partial<FilesystemEntry> = {}): FilesystemEntry {
  return {
    path,
    status: steps.length > 0 ? 'ready' : 'skipped',
    steps,
    attempts: 0,
    needsReplan: false,
    nextStepDate: nextStepDate(steps),
    ...fields,
  };
}

/**
 * Plans every sender filesystem: its steps, or the problem that stops it. A problem of one
 * filesystem (a conflict, no snapshots) marks only that filesystem. Pure; `now` stamps problems.
 */
export function planFilesystems(listing: PlanningListing, policy: InitialReplicationPolicy, now: number): FilesystemEntry[] {
  const receiverInfo = new Map(listing.receiverFilesystems.map((f) => [f.path, f]));
  const entries: FilesystemEntry[] = [];
  const senderPaths = listing.senderFilesystems.map((f) => f.path).sort();
  for (const path of senderPaths) {
    const rinfo = receiverInfo.get(path);
    const senderVersions = listing.senderVersions.get(path) ?? [];
    // A placeholder holds no replicated data: plan as if the receiver had nothing.
    const receiverVersions = rinfo && !rinfo.placeholder ? (listing.receiverVersions.get(path) ?? []) : [];
    const cursor = listing.senderCursors.get(path);
    const result = incrementalPath(receiverVersions, senderVersions);
    if (result.ok) {
      entries.push(entry(path, stepsAlong(result.path, false, rinfo), { cursor }));
      continue;
    }
    const conflict = result.conflict;
    switch (conflict.kind) {
      case 'no-sender-snapshots':
        entries.push(entry(path, [], { problem: { ...permanentProblem('no-sender-snapshots', conflict.message, now, path) } }));
        break;
      case 'most-recent-already-present': {
        const newest = conflict.commonAncestor;
        // The data is there but the cursor may lag (a first run over an existing replica):
        // move it, so the sender's pruner knows what is replicated.
        const steps: PlannedStep[] =
          newest.type === 'snapshot' && cursor?.guid !== newest.guid
            ? [{ kind: 'cursor', to: newest, bytes: 0, received: true, done: false }]
            : [];
        entries.push(entry(path, steps, { cursor }));
        break;
      }
      case 'no-common-ancestor': {
        const receiverHasSnapshots = conflict.sortedReceiverVersions.some((v) => v.type === 'snapshot');
        if (receiverHasSnapshots || policy === 'fail') {
          const why = receiverHasSnapshots
            ? conflict.message
            : `${conflict.message}; initial_replication is "fail", so xrepl does not start a full replication`;
          entries.push(entry(path, [], { status: 'permanentError', problem: permanentProblem('conflict', why, now, path) }));
        } else {
          const initial = initialReplicationPath(senderVersions, policy);
          entries.push(entry(path, stepsAlong(initial, true, rinfo), { cursor }));
        }
        break;
      }
      case 'diverged':
        entries.push(entry(path, [], { status: 'permanentError', problem: permanentProblem('conflict', conflict.message, now, path) }));
        break;
    }
  }
  return entries;
}
