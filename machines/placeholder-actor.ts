import { fromEventObservable, fromPromise, type EventObject } from 'xstate';
import { throwError } from 'rxjs';

/**
 * Actors in machine definitions are placeholders: they fail loudly until the runner injects the
 * real ones with `machine.provide({ actors })`.
 */
export function unprovidedPromise<TOutput, TInput>(src: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`actor "${src}" was not provided: inject it with machine.provide({ actors: { ${src} } })`);
  });
}

/** An event-stream actor placeholder; see {@link unprovidedPromise}. */
export function unprovidedEventStream<TEvent extends EventObject, TInput>(src: string) {
  return fromEventObservable<TEvent, TInput>(() =>
    throwError(() => new Error(`actor "${src}" was not provided: inject it with machine.provide({ actors: { ${src} } })`)),
  );
}
