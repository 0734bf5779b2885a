import { OrchestratorError } from "../domain/errors.js";
import { parseJson } from "../ledger/json.js";
import { listAuditRows, listAuditRowsAfter, type AuditRow } from "../ledger/tables/audit-log.js";
import { loadTask, requireProjectMember } from "./access.js";
import type { ServiceContext } from "./context.js";

function authorizeAudit(ctx: ServiceContext, taskId: number | null): void {
  const role = ctx.actor.primaryRole;
  if (role === "user" || role === "codex") {
    if (taskId !== null) loadTask(ctx, taskId);
    return;
  }
  if (role === "worker_junior" || role === "worker_pro") {
    throw new OrchestratorError(`Worker role ${role} is not authorized to access audit logs`);
  }
  if (taskId === null) {
    throw new OrchestratorError("GLM and Test Owner roles require a specific task_id for audit logs");
  }
  const task = loadTask(ctx, taskId);
  requireProjectMember(ctx, task.project_id, task.id);
}

function view(row: AuditRow) {
  const { payload_json, ...rest } = row;
  return { ...rest, payload: parseJson<unknown>(payload_json, {}) };
}

export function listAudit(ctx: ServiceContext, taskId: number | null) {
  authorizeAudit(ctx, taskId);
  return listAuditRows(ctx.db, taskId).map(view);
}

export function listAuditPage(ctx: ServiceContext, taskId: number | null, afterId: number, limit: number) {
  authorizeAudit(ctx, taskId);
  const size = Math.min(200, Math.max(1, Math.trunc(limit)));
  const rows = listAuditRowsAfter(ctx.db, taskId, afterId, size + 1);
  const items = rows.slice(0, size).map(view);
  return {
    items,
    has_more: rows.length > size,
    next_after_id: items.length > 0 ? items[items.length - 1]!.id : null,
    limit: size,
  };
}
