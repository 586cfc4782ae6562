/**
 * A sink's server-side keep rules, which win over every client: a snapshot they keep is never
 * destroyed at a client's request, so a compromised client cannot delete its backups. The
 * append-only floor keeps every snapshot.
 */
import { EndpointError } from '../domain/errors.js';
import type { Endpoint } from '../endpoint/endpoint.js';
import type { KeepRule } from '../pruning/keep-rule.js';
import { pruneSnapshots } from '../pruning/prune-snapshots.js';

/** The floor: keep rules, or `all` for append-only. */
export type RetentionFloor = readonly KeepRule[] | 'all';

/** Wraps a sink's endpoint so that its destroys spare what the floor keeps. */
export function withRetentionFloor(inner: Endpoint, floor: RetentionFloor): Endpoint {
  const view: Endpoint = Object.create(inner) as Endpoint;
  view.destroySnapshots = async (filesystem, snapshots, signal) => {
    if (snapshots.length === 0) return inner.destroySnapshots(filesystem, snapshots, signal);
    let destroyable: ReadonlySet<string>;
    if (floor === 'all') destroyable = new Set();
    else {
      const listed = (await inner.listVersions([filesystem], signal)).get(filesystem) ?? [];
      // Every snapshot counts as replicated: the floor is about age and names, not about cursors.
      const snaps = listed.filter((v) => v.type === 'snapshot').map((v) => ({ name: v.name, date: v.creation, replicated: true }));
      destroyable = new Set(pruneSnapshots(snaps, floor).map((s) => s.name));
    }
    const allowed = snapshots.filter((name) => destroyable.has(name));
    const done = new Map((await inner.destroySnapshots(filesystem, allowed, signal)).map((r) => [r.name, r]));
    return snapshots.map(
      (name) =>
        done.get(name) ?? {
          name,
          error: new EndpointError(`${filesystem}@${name} is kept by the sink's retention_floor; the server does not destroy it at a client's request`, {
            kind: 'not-allowed',
            dataset: `${filesystem}@${name}`,
          }),
        },
    );
  };
  return view;
}
