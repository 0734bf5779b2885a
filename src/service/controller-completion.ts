import { OrchestratorError, oneOf } from "../domain/errors.js";
import {
  CONTROLLER_COMPLETION_GATE_LABEL,
  FsRepoReader,
  loadPolicy,
  requireGatePass,
  validateWorkerReport,
} from "../gates/index.js";
import { deriveEvidence } from "../git/evidence.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { findReview } from "../ledger/tables/reviews.js";
import { listPackagesOfTask } from "../ledger/tables/work-packages.js";
import { loadProject, loadTask, requireRole, requireTaskRead } from "./access.js";
import { recordReview } from "./record-review.js";
import { audit, type ServiceContext } from "./context.js";
import { dispatchHook, scopeOf, taskTarget } from "./hooks.js";
import { submissionScopeViolation } from "./submission-scope.js";
import { transitionTask } from "./transitions.js";

export interface ControllerCompletionInput {
  task_id: number;
  summary: string;
  base_commit: string;
  head_commit: string;
  tests_run: Record<string, unknown>[];
  risk_notes: string;
  controller_report: Record<string, unknown>;
}

/** Planned task statuses from which the controller may complete a task itself. */
const PLANNED: readonly string[] = ["GLM_GRACE_PLANNED", "GLM_TESTS_PREPARED"];

function checkCompletable(ctx: ServiceContext, task: TaskRow): string {
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  if (listPackagesOfTask(ctx.db, task.id).length > 0) {
    throw new OrchestratorError(
      `Controller task completion is only allowed when the task has no work packages (task ${task.id} has some)`,
    );
  }
  if (!PLANNED.includes(task.status)) {
    throw new OrchestratorError(
      `Controller task completion requires a planned task with no worker packages (task ${task.id} is ${task.status}); ${oneOf("status", PLANNED)}`,
    );
  }
  return role;
}

/** Codex completes a task with no packages; the evidence comes from git, audited as a task review. */
export async function completeTaskByController(ctx: ServiceContext, input: ControllerCompletionInput) {
  const before = loadTask(ctx, input.task_id);
  requireTaskRead(ctx, before);
  checkCompletable(ctx, before);
  const project = loadProject(ctx, before.project_id);
  const evidence = await deriveEvidence(project.repo_path, input.base_commit, input.head_commit);
  const violation = submissionScopeViolation(evidence, [{ owner: `task ${before.id}`, row: before }]);
  if (violation !== null) throw new OrchestratorError(violation);
  const { allowed, forbidden } = scopeOf(before);
  const validation = requireGatePass(
    CONTROLLER_COMPLETION_GATE_LABEL,
    validateWorkerReport(input.controller_report, {
      taskId: before.id,
      packageId: 0,
      allowed,
      forbidden,
      evidenceFiles: evidence.changed_files,
      policy: loadPolicy(new FsRepoReader(project.repo_path)),
    }),
  );
  const completion = {
    summary: input.summary,
    evidence: {
      base_commit: evidence.base_commit,
      head_commit: evidence.head_commit,
      diff_hash: evidence.diff_sha256,
      files_changed: evidence.changed_files,
    },
    tests_run: input.tests_run,
    risk_notes: input.risk_notes,
    controller_report: input.controller_report,
    controller_report_validation: validation,
  };
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, input.task_id);
    const role = checkCompletable(ctx, task);
    const id = recordReview(ctx, {
      targetType: "task",
      targetId: task.id,
      effectiveRole: role,
      decision: "controller_completed",
      findings: [completion],
      requiredFixes: [],
    });
    audit(ctx, role, "gate.validate_controller_task_completion_report", "task", task.id, validation);
    audit(ctx, role, "submission.controller_task_completion_created", "review", id, completion.evidence);
    transitionTask(ctx, task, "GLM_ACCEPTED", role, "task.controller_completion_accepted");
    dispatchHook(
      ctx,
      "on_glm_accepted",
      taskTarget(task),
      { files_changed: evidence.changed_files, controller_owned: true },
      role,
    );
    return { ...findReview(ctx.db, id), controller_completion: parseJson(stableJson(completion), {}) };
  });
}
