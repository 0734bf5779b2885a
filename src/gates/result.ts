/** Shared result shape of every gate: `blocked` iff `issues` is non-empty. */
import { OrchestratorError } from "../domain/errors.js";

export type GateStatus = "pass" | "blocked";

export interface GateResult {
  status: GateStatus;
  issues: string[];
  warnings: string[];
}

export function gateResult(issues: string[], warnings: string[] = []): GateResult {
  return { status: issues.length === 0 ? "pass" : "blocked", issues, warnings };
}

/** The statuses that make a gate pass (case-insensitive). */
export const GATE_PASS_STATUSES: readonly string[] = ["pass", "verified"];

/** "Gate pass": a status of GATE_PASS_STATUSES. */
export function isGatePass(status: unknown): boolean {
  return typeof status === "string" && GATE_PASS_STATUSES.includes(status.trim().toLowerCase());
}

/** Interface literal, keep it stable: `<label> failed: <issue>; <issue>`. */
export function gateFailureMessage(label: string, issues: readonly string[]): string {
  return `${label} failed: ${issues.join("; ")}`;
}

/** Throws the lifecycle error for a blocked gate; returns the result when it passed. */
export function requireGatePass<T extends { status: string; issues: string[] }>(label: string, result: T): T {
  if (!isGatePass(result.status)) throw new OrchestratorError(gateFailureMessage(label, result.issues));
  return result;
}
