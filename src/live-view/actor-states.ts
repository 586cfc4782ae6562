import { Observable } from 'rxjs';
import type { AnyActorRef, StateValue } from 'xstate';

/** One running machine actor: where it is in the actor tree, which machine it runs, and its state. */
export interface ActorState {
  /** The ids from the observed root down to this actor, joined with "/" (the root's is its own id). */
  path: string;
  /** The machine's id (`job`, `replication`, `filesystem`, `pruner`, `snapshotter`). */
  machine: string;
  value: StateValue;
}

// What a machine actor's snapshot has that other actors' lack; read structurally, not through internals.
interface MachineSnapshotView {
  value: StateValue;
  machine: { id: string };
  children: Record<string, AnyActorRef | undefined>;
}

function machineSnapshot(actor: AnyActorRef): MachineSnapshotView | undefined {
  const snapshot: unknown = actor.getSnapshot();
  if (typeof snapshot !== 'object' || snapshot === null) return undefined;
  if (!('value' in snapshot) || !('machine' in snapshot) || !('children' in snapshot)) return undefined;
  const { machine } = snapshot;
  if (typeof machine !== 'object' || machine === null || !('id' in machine) || typeof machine.id !== 'string') return undefined;
  return snapshot as MachineSnapshotView;
}

/**
 * The state values of a root actor and of every machine actor below it (invoked or spawned),
 * listed root first. Promise and observable actors are left out: the diagrams show them as the
 * `invoke` of the state that runs them.
 */
export function actorStates(root: AnyActorRef, rootPath: string = root.id): ActorState[] {
  const states: ActorState[] = [];
  const visit = (actor: AnyActorRef, path: string): void => {
    const snapshot = machineSnapshot(actor);
    if (!snapshot) return;
    states.push({ path, machine: snapshot.machine.id, value: snapshot.value });
    for (const [id, child] of Object.entries(snapshot.children)) if (child) visit(child, `${path}/${id}`);
  };
  visit(root, rootPath);
  return states;
}

/**
 * Emits {@link actorStates} of `root` now and after every burst of changes (everything up to the
 * next microtask makes one emission), only when they differ from the last; completes when the
 * root stops. It subscribes to each machine actor in the tree as it appears, so it works for any
 * actor, not only a job: an embedder's own view can follow a replication job's `actor` with it.
 */
export function observeActorStates(root: AnyActorRef, rootPath: string = root.id): Observable<ActorState[]> {
  return new Observable<ActorState[]>((subscriber) => {
    const watched = new Map<AnyActorRef, { unsubscribe(): void }>();
    let scheduled = false;
    let last = '';
    let closed = false;
    const emit = (): void => {
      scheduled = false;
      if (closed) return;
      const seen = new Set<AnyActorRef>();
      const collect = (actor: AnyActorRef): void => {
        const snapshot = machineSnapshot(actor);
        if (!snapshot) return;
        seen.add(actor);
        if (!watched.has(actor)) {
          watched.set(actor, actor.subscribe({ next: schedule, error: schedule, complete: actor === root ? finish : schedule }));
        }
        for (const child of Object.values(snapshot.children)) if (child) collect(child);
      };
      collect(root);
      for (const [actor, subscription] of watched) {
        if (seen.has(actor)) continue;
        subscription.unsubscribe();
        watched.delete(actor);
      }
      const states = actorStates(root, rootPath);
      const text = JSON.stringify(states);
      if (text === last) return;
      last = text;
      subscriber.next(states);
    };
    const schedule = (): void => {
      if (scheduled || closed) return;
      scheduled = true;
      queueMicrotask(emit);
    };
    // The root's completion (it stopped, or was stopped before we came) ends the stream after
    // one last emission; deferred, because it may arrive inside subscribe().
    let finishing = false;
    const finish = (): void => {
      if (finishing) return;
      finishing = true;
      queueMicrotask(() => {
        emit();
        closed = true;
        subscriber.complete();
      });
    };
    emit();
    return () => {
      closed = true;
      for (const subscription of watched.values()) subscription.unsubscribe();
      watched.clear();
    };
  });
}
