import { fromEventObservable, fromPromise, type EventObject, type Observer, type Subscribable, type Subscription } from 'xstate';

/**
 * Actors in machine definitions are placeholders: they fail loudly until the runner injects the
 * real ones with `machine.provide({ actors })`.
 */
export function unprovidedPromise<TOutput, TInput>(src: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`actor "${src}" was not provided: inject it with machine.provide({ actors: { ${src} } })`);
  });
}

/** An event-stream actor placeholder; see {@link unprovidedPromise}. Fails on subscribe, without rxjs. */
export function unprovidedEventStream<TEvent extends EventObject, TInput>(src: string) {
  return fromEventObservable<TEvent, TInput>(() => failing<TEvent>(new Error(`actor "${src}" was not provided: inject it with machine.provide({ actors: { ${src} } })`)));
}

/** A stream that fails at once with `error` (what rxjs' throwError does, so the machines need no rxjs). */
function failing<T>(error: Error): Subscribable<T> {
  const closed: Subscription = { unsubscribe: () => undefined };
  return {
    subscribe(observerOrNext?: Observer<T> | ((value: T) => void), onError?: (error: unknown) => void): Subscription {
      const fail = typeof observerOrNext === 'object' ? observerOrNext.error?.bind(observerOrNext) : onError;
      fail?.(error);
      return closed;
    },
  };
}
