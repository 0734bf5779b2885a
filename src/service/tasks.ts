import { OrchestratorError, notPartOf } from "../domain/errors.js";
import { classifyNextAction, type NextAction } from "../domain/next-action.js";
import type { PackageStatus } from "../domain/package-states.js";
import { isRole } from "../domain/roles.js";
import { scopePatternIssues } from "../domain/scope.js";
import type { TaskStatus } from "../domain/task-states.js";
import type { ToolNaming } from "../domain/tool-names.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { insertTask, type TaskRow } from "../ledger/tables/tasks.js";
import { listArtifactsOfTask } from "../ledger/tables/grace-artifacts.js";
import { listReviewsOfTask } from "../ledger/tables/reviews.js";
import { listPackagesOfTask } from "../ledger/tables/work-packages.js";
import { listSessionsOfTask } from "../ledger/tables/mimo-sessions.js";
import { listSubmissionsOfPackages } from "../ledger/tables/submissions.js";
import { effectiveRoleDecision, loadProject, loadTask, requireRole, requireTaskRead } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { dispatchHook, taskTarget } from "./hooks.js";
import { artifactView, packageView, submissionView, taskCoreView } from "./projections.js";
import { transitionTask } from "./transitions.js";

export interface CreateTaskInput {
  project_id: number;
  title: string;
  objective: string;
  architecture_intent: string;
  constraints: string[];
  non_goals: string[];
  acceptance_criteria: string[];
  allowed_files: string[];
  forbidden_files: string[];
  parent_task_id?: number | null | undefined;
}

function checkTaskScope(allowed: readonly string[], forbidden: readonly string[]): void {
  if (allowed.length === 0)
    throw new OrchestratorError("Top-level task requires at least one allowed file pattern");
  const issue = [
    ...scopePatternIssues("Task allowed", allowed),
    ...scopePatternIssues("Task forbidden", forbidden),
  ][0];
  if (issue !== undefined) throw new OrchestratorError(issue);
}

export function createCodexTask(ctx: ServiceContext, input: CreateTaskInput) {
  checkTaskScope(input.allowed_files, input.forbidden_files);
  return inTransaction(ctx.db, () => {
    loadProject(ctx, input.project_id);
    const role = requireRole(ctx, "codex", input.project_id, null);
    const parent = input.parent_task_id ?? null;
    const parentProject = parent === null ? input.project_id : loadTask(ctx, parent).project_id;
    if (parent !== null && parentProject !== input.project_id) {
      throw notPartOf("task", parent, "project", input.project_id, parentProject);
    }
    const now = nowIso(ctx);
    const id = insertTask(ctx.db, {
      project_id: input.project_id,
      parent_task_id: parent,
      created_by_role: role,
      title: input.title,
      objective: input.objective,
      architecture_intent: input.architecture_intent,
      constraints_json: stableJson(input.constraints),
      non_goals_json: stableJson(input.non_goals),
      acceptance_criteria_json: stableJson(input.acceptance_criteria),
      allowed_files_json: stableJson(input.allowed_files),
      forbidden_files_json: stableJson(input.forbidden_files),
      status: "CODEX_TASK_CREATED",
      created_at: now,
      updated_at: now,
    });
    audit(ctx, role, "task.codex_created", "task", id, { title: input.title });
    const task = loadTask(ctx, id);
    dispatchHook(ctx, "on_task_created", taskTarget(task), {}, role);
    return taskProjection(ctx, task);
  });
}

/**
 * The full read model of a task, reviews filtered by target type (a package's review never shows
 * under a task of the same id).
 */
export function taskProjection(ctx: ServiceContext, task: TaskRow) {
  const packages = listPackagesOfTask(ctx.db, task.id);
  const ids = packages.map((p) => p.id);
  const reviews = listReviewsOfTask(ctx.db, task.id, ids);
  const submissions = listSubmissionsOfPackages(ctx.db, ids);
  return {
    ...taskCoreView(task),
    work_packages: packages.map(packageView),
    grace_artifacts: listArtifactsOfTask(ctx.db, task.id).map(artifactView),
    reviews,
    mimo_sessions: listSessionsOfTask(ctx.db, task.id),
    submissions: submissions.map(submissionView),
  };
}

export function getTask(ctx: ServiceContext, taskId: number) {
  const task = loadTask(ctx, taskId);
  requireTaskRead(ctx, task);
  return taskProjection(ctx, task);
}

export function planTask(ctx: ServiceContext, taskId: number) {
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, taskId);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    transitionTask(ctx, task, "GLM_GRACE_PLANNED", role, "task.grace_planned");
    return taskProjection(ctx, loadTask(ctx, taskId));
  });
}

export interface NextActionView {
  current_state: string;
  next: NextAction;
  blocked_reason: string | null;
}

/** Suggests who acts next, naming tools in `naming`; pseudo-roles are informational and never raise. */
export function getNextAction(
  ctx: ServiceContext,
  taskId: number,
  naming: ToolNaming = "dotted",
): NextActionView {
  const task = loadTask(ctx, taskId);
  requireTaskRead(ctx, task);
  const packages = listPackagesOfTask(ctx.db, task.id).map((p) => ({
    id: p.id,
    status: p.status as PackageStatus,
  }));
  const next = classifyNextAction(task.status as TaskStatus, packages, naming);
  let blocked: string | null = null;
  if (isRole(next.role) && next.role !== ctx.actor.primaryRole) {
    const decision = effectiveRoleDecision(ctx, next.role, task.project_id, task.id);
    blocked = decision.granted ? null : decision.reason;
  }
  return { current_state: task.status, next, blocked_reason: blocked };
}
