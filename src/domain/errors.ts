/**
 * Domain errors are client-safe sentences. Where the reference has a stable upper-case
 * code, the message starts with it so clients and tests can match on the prefix.
 */
export class OrchestratorError extends Error {
  override readonly name: string = "OrchestratorError";
  constructor(message: string) {
    super(message);
  }
}

/** Optimistic-lock mismatches, attempt-id mismatches and lost concurrent updates. */
export class ConflictError extends OrchestratorError {
  override readonly name = "ConflictError";
}

export const NOT_FOUND = "Requested record does not exist";

export function notFound(): OrchestratorError {
  return new OrchestratorError(NOT_FOUND);
}
