/**
 * gate.acceptance_review: a pure projection over ledger data the caller
 * passes in. It never mutates anything; auditing the result is the caller's job.
 */
import { isGatePass, type GateResult } from "./result.js";

export const ACCEPTANCE_GATE_LABEL = "Acceptance review";

export interface AcceptancePackage {
  id: number;
  status: string;
  /** Stored worker-report validation status of the latest submission; null = no submission. */
  latestSubmissionValidationStatus: string | null;
}

export interface AcceptanceInput {
  taskStatus: string;
  packages: readonly AcceptancePackage[];
  /** Decisions of the task-level reviews (e.g. `controller_completed`). */
  taskReviewDecisions: readonly string[];
  /** Agent-infra lint result, given only when the project policy file exists. */
  agentInfraLint?: GateResult | null;
}

export interface AcceptanceReviewResult extends GateResult {
  task_status: string;
}

const CONTROLLER_COMPLETED_STATUSES: ReadonlySet<string> = new Set([
  "GLM_ACCEPTED",
  "CODEX_FINAL_REVIEW",
  "CODEX_ACCEPTED",
  "TASK_CLOSED",
]);

export function reviewAcceptance(input: AcceptanceInput): AcceptanceReviewResult {
  const issues: string[] = [];
  const warnings: string[] = [];
  const live = input.packages.filter((p) => p.status !== "CANCELLED");
  if (live.length === 0) {
    if (!input.taskReviewDecisions.includes("controller_completed")) {
      issues.push("Acceptance gate requires at least one work package or audited controller task completion");
    } else if (!CONTROLLER_COMPLETED_STATUSES.has(input.taskStatus)) {
      issues.push("Audited controller task completion has not advanced the task to GLM_ACCEPTED");
    }
  }
  for (const p of live) {
    if (p.status !== "GLM_ACCEPTED") issues.push(`Work package ${p.id} is not GLM_ACCEPTED`);
    if (p.latestSubmissionValidationStatus === null) {
      issues.push(`Work package ${p.id} has no worker submission`);
    } else if (!isGatePass(p.latestSubmissionValidationStatus)) {
      issues.push(`Work package ${p.id} worker report gate is not pass`);
    }
  }
  if (input.agentInfraLint) {
    issues.push(...input.agentInfraLint.issues.map((i) => `Agent infra: ${i}`));
    warnings.push(...input.agentInfraLint.warnings.map((w) => `Agent infra: ${w}`));
  }
  return {
    status: issues.length === 0 ? "pass" : "blocked",
    issues,
    warnings,
    task_status: input.taskStatus,
  };
}
