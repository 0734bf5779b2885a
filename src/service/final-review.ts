import { OrchestratorError } from "../domain/errors.js";
import {
  FsRepoReader,
  gateFailureMessage,
  lintAgentInfra,
  loadPolicy,
  type GateResult,
} from "../gates/index.js";
import { inTransaction } from "../ledger/database.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { findReview } from "../ledger/tables/reviews.js";
import { loadProject, loadTask, requireRole } from "./access.js";
import { recordReview } from "./record-review.js";
import { audit, type ServiceContext } from "./context.js";
import { dispatchHook, taskTarget } from "./hooks.js";
import { parseDecision, type ReviewInput } from "./review-input.js";
import { taskProjection } from "./tasks.js";
import { transitionTask } from "./transitions.js";

/** Agent-infra lint, only when the repo has a policy file; null otherwise. */
export function lintIfPolicy(ctx: ServiceContext, task: TaskRow): GateResult | null {
  const reader = new FsRepoReader(loadProject(ctx, task.project_id).repo_path);
  const policy = loadPolicy(reader);
  return policy.present ? lintAgentInfra(reader, policy) : null;
}

function requireLintPass(label: string, lint: GateResult | null): void {
  if (lint && lint.issues.length > 0) throw new OrchestratorError(gateFailureMessage(label, lint.issues));
}

function checkFinalReviewable(ctx: ServiceContext, task: TaskRow): string {
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  if (task.status !== "GLM_ACCEPTED") {
    throw new OrchestratorError(
      `Codex final review requires GLM acceptance of every work package (task ${task.id} is ${task.status})`,
    );
  }
  return role;
}

/** GLM_ACCEPTED → CODEX_FINAL_REVIEW; gate.promote then requires the six GRACE artifacts. */
export function requestFinalReview(ctx: ServiceContext, taskId: number) {
  checkFinalReviewable(ctx, loadTask(ctx, taskId));
  const lint = lintIfPolicy(ctx, loadTask(ctx, taskId));
  requireLintPass("Agent-infra lint gate", lint);
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, taskId);
    const role = checkFinalReviewable(ctx, task);
    if (lint) audit(ctx, role, "gate.agent_infra_lint", "task", task.id, lint);
    transitionTask(ctx, task, "CODEX_FINAL_REVIEW", role, "task.codex_final_review_requested");
    return taskProjection(ctx, loadTask(ctx, task.id));
  });
}

export interface CodexReviewInput extends ReviewInput {
  task_id: number;
}

function checkCodexReviewable(ctx: ServiceContext, task: TaskRow): string {
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  if (task.status !== "CODEX_FINAL_REVIEW") {
    throw new OrchestratorError(
      `Codex review requires CODEX_FINAL_REVIEW task status: task ${task.id} is ${task.status}`,
    );
  }
  return role;
}

/** review.codex_submit; acceptance closes the task in the same transaction (on_codex_accepted). */
export function submitCodexReview(ctx: ServiceContext, input: CodexReviewInput) {
  const decision = parseDecision("Codex", input.decision, `task ${input.task_id}`);
  const accepted = decision === "accepted";
  checkCodexReviewable(ctx, loadTask(ctx, input.task_id));
  const lint = accepted ? lintIfPolicy(ctx, loadTask(ctx, input.task_id)) : null;
  requireLintPass("Codex acceptance agent-infra gate", lint);
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, input.task_id);
    const role = checkCodexReviewable(ctx, task);
    if (lint) audit(ctx, role, "gate.acceptance_review", "task", task.id, lint);
    const id = recordReview(ctx, {
      targetType: "task",
      targetId: task.id,
      effectiveRole: role,
      decision,
      findings: input.findings,
      requiredFixes: input.required_fixes,
    });
    audit(ctx, role, "review.codex_submitted", "review", id, { decision, task_id: task.id });
    transitionTask(
      ctx,
      task,
      accepted ? "CODEX_ACCEPTED" : "CODEX_REJECTED_REPAIR_REQUIRED",
      role,
      "task.codex_review_resolved",
    );
    dispatchHook(
      ctx,
      accepted ? "on_codex_accepted" : "on_codex_rejected",
      taskTarget(task),
      { review_id: id },
      role,
    );
    return { ...findReview(ctx.db, id), task_status: loadTask(ctx, task.id).status };
  });
}

/** Idempotent: a closed task is returned unchanged. */
export function closeTask(ctx: ServiceContext, taskId: number) {
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, taskId);
    const role = requireRole(ctx, "codex", task.project_id, task.id);
    if (task.status === "TASK_CLOSED") return taskProjection(ctx, task);
    if (task.status !== "CODEX_ACCEPTED")
      throw new OrchestratorError(
        `Only a Codex-accepted task may be closed (task ${task.id} is ${task.status})`,
      );
    transitionTask(ctx, task, "TASK_CLOSED", role, "task.closed");
    return taskProjection(ctx, loadTask(ctx, task.id));
  });
}
