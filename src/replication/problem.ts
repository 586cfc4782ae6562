import { EndpointError, errorMessage, type ErrorClass } from '../domain/errors.js';

/**
 * An error as the machines keep it in their context: plain data, so snapshots stay inspectable
 * and reports can show it. Guards branch on `kind` and `errorClass`, never on the message.
 */
export interface Problem {
  message: string;
  /** An EndpointError kind, or `watchdog`, `cancelled`, `conflict`, `internal`. */
  kind: string;
  errorClass: ErrorClass;
  /** Epoch ms. */
  at: number;
  /** The dataset involved, when known. */
  dataset?: string | undefined;
  /**
   * For a cancellation: the last error of what was being retried when the cancel came (a watchdog
   * cancels a retry loop, and the report must still say what kept failing).
   */
  lastError?: Problem | undefined;
}

/** Turns anything thrown by an actor into a {@link Problem}; unknown errors count as permanent. */
export function problemFrom(error: unknown, at: number): Problem {
  if (error instanceof EndpointError) {
    return { message: error.message, kind: error.kind, errorClass: error.errorClass, at, dataset: error.dataset };
  }
  return { message: errorMessage(error), kind: 'internal', errorClass: 'permanent', at };
}

/** A problem that no retry can fix. */
export function permanentProblem(kind: string, message: string, at: number, dataset?: string): Problem {
  return { message, kind, errorClass: 'permanent', at, dataset };
}

