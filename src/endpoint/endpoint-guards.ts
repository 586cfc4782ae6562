/**
 * Checks every endpoint implementation makes at the start of a call: the AbortSignal and the
 * dataset names. Shared so that the memory pool, the real-ZFS endpoint and the generic wrappers
 * reject the same input with the same error kinds.
 */
import { datasetNameProblem, type DatasetNameKind } from '../domain/dataset-name.js';
import { EndpointError } from '../domain/errors.js';

/** The error every endpoint call rejects with once its AbortSignal has fired. */
export function abortedError(what: string, dataset?: string): EndpointError {
  return new EndpointError(`${what} aborted`, { kind: 'aborted', ...(dataset === undefined ? {} : { dataset }) });
}

/** Throws an `aborted` EndpointError when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal, what: string, dataset?: string): void {
  if (signal.aborted) throw abortedError(what, dataset);
}

/** A promise that never resolves and rejects with an `aborted` EndpointError when the signal fires. */
export function untilAborted(signal: AbortSignal, what: string, dataset?: string): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError(what, dataset));
      return;
    }
    signal.addEventListener('abort', () => reject(abortedError(what, dataset)), { once: true });
  });
}

/** Throws an `invalid-name` EndpointError naming the dataset unless ZFS would accept the name as `kind`. */
export function checkDatasetName(name: string, kind: DatasetNameKind): void {
  const problem = datasetNameProblem(name, kind);
  if (problem !== undefined) {
    throw new EndpointError(`invalid ${kind === 'any' ? 'dataset' : kind} name ${JSON.stringify(name)}: ${problem}`, {
      kind: 'invalid-name',
      dataset: String(name),
    });
  }
}
