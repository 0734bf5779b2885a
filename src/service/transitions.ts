import { assertPackageTransition, type PackageStatus } from "../domain/package-states.js";
import { assertTaskTransition, type TaskStatus } from "../domain/task-states.js";
import { setTaskStatus, type TaskRow } from "../ledger/tables/tasks.js";
import { packageOwners, setPackageStatus } from "../ledger/tables/work-packages.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { dispatchHook } from "./hooks.js";

/** Moves a task along the state table inside the caller's transaction, with its audit row and gate.promote. */
export function transitionTask(
  ctx: ServiceContext,
  task: TaskRow,
  to: TaskStatus,
  effectiveRole: string,
  eventType: string,
): void {
  const from = task.status as TaskStatus;
  assertTaskTransition(from, to, task.id);
  setTaskStatus(ctx.db, { id: task.id, status: to, updated_at: nowIso(ctx) });
  audit(ctx, effectiveRole, eventType, "task", task.id, { from_status: from, to_status: to });
  dispatchHook(
    ctx,
    "gate.promote",
    { projectId: task.project_id, taskId: task.id, packageId: null },
    { from_status: from, to_status: to },
    effectiveRole,
  );
}

export function transitionPackage(
  ctx: ServiceContext,
  packageId: number,
  from: PackageStatus,
  to: PackageStatus,
  effectiveRole: string,
  eventType: string,
): void {
  assertPackageTransition(from, to, packageId);
  setPackageStatus(ctx.db, packageId, to, nowIso(ctx));
  audit(ctx, effectiveRole, eventType, "work_package", packageId, { from_status: from, to_status: to });
  const owners = packageOwners(ctx.db, packageId);
  dispatchHook(
    ctx,
    "gate.promote",
    { ...owners, packageId },
    { from_status: from, to_status: to },
    effectiveRole,
  );
}
