import { classifyNextAction } from "../domain/next-action.js";
import type { PackageStatus } from "../domain/package-states.js";
import type { TaskStatus } from "../domain/task-states.js";
import type { ToolNaming } from "../domain/tool-names.js";
import { listPackagesOfTask } from "../ledger/tables/work-packages.js";
import { listRecentSessionsOfPackage } from "../ledger/tables/mimo-sessions.js";
import { loadPackage, loadTask, requirePackageRead, requireTaskRead } from "./access.js";
import type { ServiceContext } from "./context.js";

const ACTIVE = [
  "CREATED",
  "ASSIGNED",
  "CLAIMED_JUNIOR",
  "CLAIMED_PRO",
  "SUBMITTED",
  "GLM_REVIEW_IN_PROGRESS",
  "REPAIR_REQUIRED",
];

/** A compact task read model (counts over every package of the task); its next action names tools in `naming`. */
export function taskSummary(ctx: ServiceContext, taskId: number, naming: ToolNaming = "dotted") {
  const task = loadTask(ctx, taskId);
  requireTaskRead(ctx, task);
  const packages = listPackagesOfTask(ctx.db, task.id);
  const active = packages.filter((p) => ACTIVE.includes(p.status)).map((p) => p.id);
  const blocked = packages.filter((p) => p.status === "HUMAN_INTERVENTION_REQUIRED").map((p) => p.id);
  return {
    id: task.id,
    project_id: task.project_id,
    title: task.title,
    status: task.status,
    package_counts: {
      total: packages.length,
      accepted: packages.filter((p) => p.status === "GLM_ACCEPTED").length,
      active: active.length,
      blocked: blocked.length,
    },
    active_package_ids: active,
    blocked_package_ids: blocked,
    next_action: classifyNextAction(
      task.status as TaskStatus,
      packages.map((p) => ({ id: p.id, status: p.status as PackageStatus })),
      naming,
    ),
  };
}

export function packageSummary(ctx: ServiceContext, packageId: number) {
  const pkg = loadPackage(ctx, packageId);
  requirePackageRead(ctx, pkg, loadTask(ctx, pkg.task_id));
  return {
    id: pkg.id,
    task_id: pkg.task_id,
    title: pkg.title,
    status: pkg.status,
    assigned_junior_agent: pkg.assigned_junior_agent,
    assigned_pro_agent: pkg.assigned_pro_agent,
    claimed_by_agent: pkg.claimed_by_agent,
    worker_pro_available: pkg["worker_pro_available"] === 1,
    recent_sessions: listRecentSessionsOfPackage(ctx.db, pkg.id, 5),
    updated_at: pkg["updated_at"],
  };
}
