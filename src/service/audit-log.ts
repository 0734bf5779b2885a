import { OrchestratorError } from "../domain/errors.js";
import { parseJson } from "../ledger/json.js";
import type { AuditRow } from "../ledger/rows.js";
import { loadTask, requireProjectMember } from "./access.js";
import type { ServiceContext } from "./context.js";

/** Every audit target that belongs to a task, matched by (target_type, target_id) so ids never collide. */
const TASK_FILTER = `(
  (target_type = 'task' AND target_id = @task)
  OR (target_type = 'work_package' AND target_id IN (SELECT id FROM work_packages WHERE task_id = @task))
  OR (target_type = 'submission' AND target_id IN (SELECT s.id FROM submissions s JOIN work_packages w ON w.id = s.work_package_id WHERE w.task_id = @task))
  OR (target_type = 'review' AND target_id IN (SELECT r.id FROM reviews r WHERE (r.target_type = 'task' AND r.target_id = @task)
        OR (r.target_type = 'work_package' AND r.target_id IN (SELECT id FROM work_packages WHERE task_id = @task))))
  OR (target_type = 'mimo_session' AND target_id IN (SELECT id FROM mimo_sessions WHERE task_id = @task))
  OR (target_type = 'role_delegation' AND target_id IN (SELECT id FROM role_delegations WHERE task_id = @task))
  OR (target_type = 'test_run' AND target_id IN (SELECT id FROM test_runs WHERE task_id = @task))
  OR (target_type = 'verification_plan' AND target_id IN (SELECT id FROM verification_plans WHERE task_id = @task))
  OR (target_type = 'grace_artifact' AND target_id IN (SELECT id FROM grace_artifacts WHERE task_id = @task))
)`;

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
  const sql = `SELECT * FROM audit_log ${taskId === null ? "" : `WHERE ${TASK_FILTER}`} ORDER BY id`;
  const rows = (
    taskId === null ? ctx.db.prepare(sql).all() : ctx.db.prepare(sql).all({ task: taskId })
  ) as AuditRow[];
  return rows.map(view);
}

export function listAuditPage(ctx: ServiceContext, taskId: number | null, afterId: number, limit: number) {
  authorizeAudit(ctx, taskId);
  const size = Math.min(200, Math.max(1, Math.trunc(limit)));
  const where = taskId === null ? "id > @after" : `id > @after AND ${TASK_FILTER}`;
  const rows = ctx.db
    .prepare(`SELECT * FROM audit_log WHERE ${where} ORDER BY id LIMIT @limit`)
    .all({ after: afterId, task: taskId ?? 0, limit: size + 1 }) as AuditRow[];
  const items = rows.slice(0, size).map(view);
  return {
    items,
    has_more: rows.length > size,
    next_after_id: items.length > 0 ? items[items.length - 1]!.id : null,
    limit: size,
  };
}
