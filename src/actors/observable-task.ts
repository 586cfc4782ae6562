import { Observable } from 'rxjs';

/**
 * An Observable around an async task that emits events as it goes: the shape XState's
 * `fromEventObservable` needs to send progress to its parent and still end in done or error.
 * Unsubscribing (the actor stopped) aborts the task's signal.
 */
export function observableTask<T>(task: (emit: (value: T) => void, signal: AbortSignal) => Promise<void>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    task((value) => subscriber.next(value), controller.signal).then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => controller.abort();
  });
}
