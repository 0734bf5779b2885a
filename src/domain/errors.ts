/**
 * Domain errors are client-safe sentences. Where an error has a stable upper-case
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

/** The kinds of record a refusal can name, in the words an agent reads them. */
export type RecordKind =
  | "project"
  | "task"
  | "work package"
  | "Mimo session"
  | "role delegation"
  | "agent"
  | "continuation delivery";

/** A record as a refusal names it: "Work package 42". */
export function recordName(kind: RecordKind, id: number | string): string {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)} ${id}`;
}

/** "Work package 42 does not exist": the kind and the id the caller gave, so it can correct the call. */
export function notFound(kind: RecordKind, id: number | string): OrchestratorError {
  return new OrchestratorError(`${recordName(kind, id)} does not exist`);
}

/** "Task 5 belongs to project 2, not project 3": a record named under the wrong parent. */
export function notPartOf(
  kind: RecordKind,
  id: number,
  parent: RecordKind,
  given: number,
  actual: number,
): OrchestratorError {
  return new OrchestratorError(
    `${recordName(kind, id)} belongs to ${parent} ${actual}, not ${parent} ${given}`,
  );
}

/** The clause a refusal of a value outside a fixed set ends with: the field and every allowed value. */
export function oneOf(field: string, allowed: readonly string[]): string {
  return `${field} must be one of ${allowed.join(", ")}`;
}

/**
 * "Task 5: authority_mode 'boss' is not allowed; authority_mode must be one of codex_led, …": the
 * record, the field, the value given and every value the rule allows. `allowed` must be the very
 * list the check uses, so the refusal can never drift from the rule.
 */
export function notOneOf(
  record: string,
  field: string,
  value: string,
  allowed: readonly string[],
): OrchestratorError {
  return new OrchestratorError(`${record}: ${field} '${value}' is not allowed; ${oneOf(field, allowed)}`);
}

/**
 * "Invalid task transition: A -> B (task 5); from A, status must be one of C, D", or "…; A is
 * terminal": the record when known, and the statuses the state table allows from where it is.
 */
export function invalidTransition(
  label: "task" | "work-package",
  move: { from: string; to: string; record: string | null },
  next: readonly string[],
): OrchestratorError {
  const where = move.record === null ? "" : ` (${move.record})`;
  const rule = next.length === 0 ? `${move.from} is terminal` : `from ${move.from}, ${oneOf("status", next)}`;
  return new OrchestratorError(`Invalid ${label} transition: ${move.from} -> ${move.to}${where}; ${rule}`);
}
