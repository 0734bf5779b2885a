import { OrchestratorError } from "../domain/errors.js";
import { checkChangedFiles, isPatternWithinScope, scopePatternIssues } from "../domain/scope.js";
import { FsRepoReader } from "../gates/index.js";
import type { HookContext, HookEvent } from "../hooks/index.js";
import { parseJson } from "../ledger/json.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { enableWorkerPro, type PackageRow } from "../ledger/tables/work-packages.js";
import { loadPackage, loadProject, loadTask } from "./access.js";
import { importCanonicalArtifacts } from "./grace-import.js";
import { audit, type ServiceContext } from "./context.js";
import { transitionTask } from "./transitions.js";

export interface HookTarget {
  projectId: number;
  taskId: number;
  packageId: number | null;
}

function requireRelative(label: string, patterns: readonly string[]): void {
  const issue = scopePatternIssues(label, patterns)[0];
  if (issue !== undefined) throw new OrchestratorError(issue);
}

export function scopeOf(row: TaskRow | PackageRow): { allowed: string[]; forbidden: string[] } {
  return {
    allowed: parseJson<string[]>(row.allowed_files_json, []),
    forbidden: parseJson<string[]>(row.forbidden_files_json, []),
  };
}

/** The validate_scope hook, re-read from the ledger inside the transaction. */
function validateScope(ctx: ServiceContext, target: HookTarget, payload: Record<string, unknown>): void {
  const task = scopeOf(loadTask(ctx, target.taskId));
  requireRelative("Task allowed", task.allowed);
  requireRelative("Task forbidden", task.forbidden);
  let scope = task;
  if (target.packageId !== null) {
    const pkg = scopeOf(loadPackage(ctx, target.packageId));
    requireRelative("Work-package allowed", pkg.allowed);
    requireRelative("Work-package forbidden", pkg.forbidden);
    if (pkg.allowed.length === 0 || !pkg.allowed.every((p) => isPatternWithinScope(p, task.allowed))) {
      throw new OrchestratorError("Hook rejected a work package outside the parent task scope");
    }
    scope = pkg;
  }
  if ("files_changed" in payload) {
    const files = payload["files_changed"];
    if (!Array.isArray(files) || !files.every((f) => typeof f === "string")) {
      throw new OrchestratorError("Hook submission files must be a sequence");
    }
    // A package's change must also stay inside its task's scope (the task may forbid more).
    for (const s of scope === task ? [task] : [scope, task]) {
      const violation = checkChangedFiles(files, s.allowed, s.forbidden)[0];
      if (violation) throw new OrchestratorError(violation.message);
    }
  }
  const artifactPath = payload["artifact_path"];
  if (typeof artifactPath === "string") {
    // Throws `Path outside project root` for `..`, absolute paths and symlinks leaving the repo.
    new FsRepoReader(loadProject(ctx, target.projectId).repo_path).resolve(artifactPath);
  }
}

/** Builds the handler context for one event and runs the registry inside the open transaction. */
export function dispatchHook(
  ctx: ServiceContext,
  event: HookEvent,
  target: HookTarget,
  payload: Record<string, unknown>,
  effectiveRole: string,
): void {
  const hook: HookContext = {
    event,
    projectId: target.projectId,
    taskId: target.taskId,
    packageId: target.packageId,
    payload,
    audit: (details = {}) =>
      target.packageId === null
        ? audit(ctx, effectiveRole, `hook.${event}`, "task", target.taskId, details)
        : audit(ctx, effectiveRole, `hook.${event}`, "work_package", target.packageId, details),
    validateScope: () => validateScope(ctx, target, payload),
    enableWorkerPro: () => {
      if (target.packageId === null)
        throw new OrchestratorError("GLM rejection hook requires a work package");
      enableWorkerPro(ctx.db, target.packageId);
    },
    requireGraceArtifacts: () => importCanonicalArtifacts(ctx, loadTask(ctx, target.taskId), effectiveRole),
    closeTask: () => {
      const task = loadTask(ctx, target.taskId);
      if (task.status !== "CODEX_ACCEPTED") {
        throw new OrchestratorError("Codex accepted hook may close only a CODEX_ACCEPTED task");
      }
      transitionTask(ctx, task, "TASK_CLOSED", effectiveRole, "task.closed_by_hook");
    },
  };
  ctx.hooks.dispatch(hook, ctx.db.inTransaction);
}

/** Hook target of a package row (its task gives the project). */
export function packageTarget(ctx: ServiceContext, pkg: PackageRow): HookTarget {
  const task = loadTask(ctx, pkg.task_id);
  return { projectId: task.project_id, taskId: task.id, packageId: pkg.id };
}

export function taskTarget(task: TaskRow): HookTarget {
  return { projectId: task.project_id, taskId: task.id, packageId: null };
}
