import { notFound } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { latestPackageReviewWith } from "../ledger/tables/reviews.js";
import {
  findMimoSession,
  listLockHoldingSessions,
  type MimoSessionRow,
} from "../ledger/tables/mimo-sessions.js";
import { loadPackage, loadTask, requireRole } from "./access.js";
import type { ServiceContext } from "./context.js";

/** Shared pieces of the Mimo use cases (launch, session tools, clean-up). */
export function loadSession(ctx: ServiceContext, id: number): MimoSessionRow {
  const row = findMimoSession(ctx.db, id);
  if (!row) throw notFound("Mimo session", id);
  return row;
}

/** The session tools act as GLM (primary or delegated) on the session's project and task. */
export function requireGlmOnSession(ctx: ServiceContext, session: MimoSessionRow): Role {
  const pkg = loadPackage(ctx, session.work_package_id);
  const task = loadTask(ctx, pkg.task_id);
  return requireRole(ctx, "glm", task.project_id, task.id);
}

export interface LockCutoff {
  /** Repair relaunch: TUI windows opened before this rejection are superseded and do not block. */
  rejectedAt: string | null;
}

/**
 * The session holding the package's dispatch lock, newest first, or
 * undefined. A TUI closed through mimo.record_tui_closed has released its lock.
 */
export function activeSession(
  ctx: ServiceContext,
  packageId: number,
  cutoff: LockCutoff,
): MimoSessionRow | undefined {
  return listLockHoldingSessions(ctx.db, packageId).find(
    (s) =>
      !(
        s.lifecycle_state === "TUI_DETACHED" &&
        cutoff.rejectedAt !== null &&
        s.created_at < cutoff.rejectedAt
      ),
  );
}

export interface Rejection {
  created_at: string;
  findings: string[];
  fixes: string[];
}

/** The latest `rejected_repair_required` review of a package; a `blocked` review defines no cut-off. */
export function latestRejection(ctx: ServiceContext, packageId: number): Rejection | null {
  const row = latestPackageReviewWith(ctx.db, packageId, "rejected_repair_required");
  if (!row) return null;
  return {
    created_at: row.created_at,
    findings: JSON.parse(row.findings_json) as string[],
    fixes: JSON.parse(row.required_fixes_json) as string[],
  };
}
