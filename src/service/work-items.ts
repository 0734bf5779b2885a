import { ConflictError } from "../domain/errors.js";
import type { PackageStatus } from "../domain/package-states.js";
import { parseJson } from "../ledger/json.js";
import type { ProjectRow } from "../ledger/tables/projects.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { listPackagesOfTask, type PackageRow } from "../ledger/tables/work-packages.js";
import { findLatestSubmission, type SubmissionRow } from "../ledger/tables/submissions.js";
import { loadPackage, loadProject, loadTask } from "./access.js";
import type { ServiceContext } from "./context.js";

/** A package with its task and project, read together (inside or outside a transaction). */
export interface Work {
  pkg: PackageRow;
  task: TaskRow;
  project: ProjectRow;
}

export function loadWork(ctx: ServiceContext, packageId: number): Work {
  const pkg = loadPackage(ctx, packageId);
  const task = loadTask(ctx, pkg.task_id);
  return { pkg, task, project: loadProject(ctx, task.project_id) };
}

export function pkgStatus(pkg: PackageRow): PackageStatus {
  return pkg.status as PackageStatus;
}

export function latestSubmission(ctx: ServiceContext, packageId: number): SubmissionRow | undefined {
  return findLatestSubmission(ctx.db, packageId);
}

export function validationStatusOf(row: SubmissionRow | undefined): string | null {
  if (!row) return null;
  const status = parseJson<{ status?: unknown }>(row.worker_report_validation_json, {}).status;
  return typeof status === "string" ? status : "";
}

/** Non-cancelled packages of a task. */
export function livePackages(ctx: ServiceContext, taskId: number): PackageRow[] {
  return listPackagesOfTask(ctx.db, taskId).filter((p) => p.status !== "CANCELLED");
}

/**
 * Guard for the re-check inside a transaction: the state read before the async git work must
 * still hold, otherwise a concurrent change would slip through.
 */
export function requireUnchanged(before: PackageRow, now: PackageRow): void {
  if (before.status !== now.status || before.claimed_by_agent !== now.claimed_by_agent) {
    throw new ConflictError(
      `Work package ${now.id} changed while this request was running (${before.status} -> ${now.status}); retry`,
    );
  }
}
