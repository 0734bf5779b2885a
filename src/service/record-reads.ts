import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { parseJson } from "../ledger/json.js";
import { findReview } from "../ledger/tables/reviews.js";
import { findSubmission } from "../ledger/tables/submissions.js";
import { snapshot } from "../status/snapshot.js";
import {
  loadPackage,
  loadProject,
  loadTask,
  requireBinding,
  requirePackageRead,
  requireProjectMember,
  requireTaskRead,
} from "./access.js";
import type { ServiceContext } from "./context.js";
import { submissionView } from "./projections.js";

const WORKERS: readonly Role[] = ["worker_junior", "worker_pro"];

/** The status snapshot of one project, read with the project's own authorization. */
export function readProjectActive(ctx: ServiceContext, projectId: number) {
  const project = loadProject(ctx, projectId);
  requireProjectMember(ctx, project.id, null);
  return snapshot(ctx.db, { projectId: project.id, now: ctx.clock() });
}

/**
 * One submission as tools show it: the diff summarised (repo.diff reads it in pages), long
 * command outputs in the worker report as log excerpts.
 * A worker reads only its own submissions; staff need the project.
 */
export function readSubmission(ctx: ServiceContext, submissionId: number) {
  const row = findSubmission(ctx.db, submissionId);
  if (!row) throw new OrchestratorError(`Submission not found: ${submissionId}`);
  if (WORKERS.includes(ctx.actor.primaryRole)) {
    const task = loadTask(ctx, loadPackage(ctx, row.work_package_id).task_id);
    requireBinding(ctx, task.project_id, task.id);
    if (row.submitted_by_agent !== ctx.actor.name) {
      throw new OrchestratorError(
        `Worker role ${ctx.actor.primaryRole} is not authorized to read submission ${submissionId}: it was submitted by another agent`,
      );
    }
  } else {
    const pkg = loadPackage(ctx, row.work_package_id);
    requirePackageRead(ctx, pkg, loadTask(ctx, pkg.task_id));
  }
  return submissionView(row);
}

/** One review: a worker reads the reviews of a package it works on, staff those of their project. */
export function readReview(ctx: ServiceContext, reviewId: number) {
  const row = findReview(ctx.db, reviewId);
  if (!row) throw new OrchestratorError(`Review not found: ${reviewId}`);
  const targetId = Number(row["target_id"]);
  if (row["target_type"] === "work_package") {
    const pkg = loadPackage(ctx, targetId);
    requirePackageRead(ctx, pkg, loadTask(ctx, pkg.task_id));
  } else if (row["target_type"] === "task") {
    if (WORKERS.includes(ctx.actor.primaryRole)) {
      throw new OrchestratorError(
        `Worker role ${ctx.actor.primaryRole} is not authorized to read review ${reviewId} of task ${targetId}`,
      );
    }
    requireTaskRead(ctx, loadTask(ctx, targetId));
  } else {
    throw new OrchestratorError(`Review ${reviewId} has unknown target type '${String(row["target_type"])}'`);
  }
  const { findings_json, required_fixes_json, ...rest } = row;
  return {
    ...rest,
    findings: parseJson(findings_json, []),
    required_fixes: parseJson(required_fixes_json, []),
  };
}
