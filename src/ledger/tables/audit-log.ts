import type { Db } from "../database.js";
import { prepared } from "../statements.js";
import { stableJson } from "../json.js";

export interface AuditRow {
  id: number;
  event_type: string;
  actor_role: string;
  effective_role: string;
  actor_agent: string;
  target_type: string;
  target_id: number;
  payload_json: string;
  created_at: string;
}

export interface AuditEntry {
  eventType: string;
  actorRole: string;
  effectiveRole: string;
  actorAgent: string;
  targetType: string;
  targetId: number;
  payload: unknown;
  createdAt: string;
}

/** The newest audit row of one type for its target, with the target's current state and titles. */
export interface LatestAuditOfTarget {
  target_type: "work_package" | "task";
  target_id: number;
  payload_json: string;
  created_at: string;
  project_id: number;
  task_id: number;
  work_package_id: number | null;
  status: string;
  updated_at: string;
  title: string;
  task_title: string;
}

export function appendAudit(db: Db, e: AuditEntry): number {
  const result = prepared(
    db,
    `INSERT INTO audit_log (event_type, actor_role, effective_role, actor_agent, target_type, target_id, payload_json, created_at)
       VALUES (@event_type, @actor_role, @effective_role, @actor_agent, @target_type, @target_id, @payload_json, @created_at)`,
  ).run({
    event_type: e.eventType,
    actor_role: e.actorRole,
    effective_role: e.effectiveRole,
    actor_agent: e.actorAgent,
    target_type: e.targetType,
    target_id: e.targetId,
    payload_json: stableJson(e.payload ?? {}),
    created_at: e.createdAt,
  });
  return Number(result.lastInsertRowid);
}

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

/** The whole log, or (taskId set) the rows about the task and everything that belongs to it, oldest first. */
export function listAuditRows(db: Db, taskId: number | null): AuditRow[] {
  const sql = `SELECT * FROM audit_log ${taskId === null ? "" : `WHERE ${TASK_FILTER}`} ORDER BY id`;
  return (taskId === null ? prepared(db, sql).all() : prepared(db, sql).all({ task: taskId })) as AuditRow[];
}

/** At most `limit` rows with id > `afterId` of the whole log or (taskId set) of one task, oldest first. */
export function listAuditRowsAfter(
  db: Db,
  taskId: number | null,
  afterId: number,
  limit: number,
): AuditRow[] {
  const where = taskId === null ? "id > @after" : `id > @after AND ${TASK_FILTER}`;
  return prepared(db, `SELECT * FROM audit_log WHERE ${where} ORDER BY id LIMIT @limit`).all({
    after: afterId,
    task: taskId ?? 0,
    limit,
  }) as AuditRow[];
}

/**
 * Per package or task (of one project, or of all when projectId is null), its newest audit row
 * of `eventType`, oldest first.
 */
export function latestAuditOfTargets(
  db: Db,
  eventType: string,
  projectId: number | null,
): LatestAuditOfTarget[] {
  return prepared(
    db,
    `SELECT a.target_type, a.target_id, a.payload_json, a.created_at,
              t.project_id, t.id AS task_id, w.id AS work_package_id,
              COALESCE(w.status, t.status) AS status, COALESCE(w.updated_at, t.updated_at) AS updated_at,
              COALESCE(w.title, t.title) AS title, t.title AS task_title
       FROM audit_log a
       LEFT JOIN work_packages w ON a.target_type = 'work_package' AND w.id = a.target_id
       JOIN tasks t ON t.id = CASE a.target_type WHEN 'task' THEN a.target_id ELSE w.task_id END
       WHERE a.event_type = @type
         AND a.id = (SELECT MAX(b.id) FROM audit_log b
                     WHERE b.event_type = @type AND b.target_type = a.target_type AND b.target_id = a.target_id)
         AND (@project IS NULL OR t.project_id = @project)
       ORDER BY a.id`,
  ).all({ type: eventType, project: projectId }) as LatestAuditOfTarget[];
}
