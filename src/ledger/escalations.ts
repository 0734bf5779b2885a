import type { Db } from "./database.js";
import { parseJson } from "./json.js";

/** The audit row that records an escalation to the user; the inbox and the status view read it back. */
export const ESCALATION_AUDIT = "handoff.escalated_to_user";

export interface OpenEscalation {
  target_type: "work_package" | "task";
  target_id: number;
  project_id: number;
  task_id: number;
  work_package_id: number | null;
  status: string;
  title: string;
  task_title: string;
  reason: string;
  escalated_by: string;
  escalated_at: string;
}

interface EscalationRow {
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

const LATEST_ESCALATIONS = `
  SELECT a.target_type, a.target_id, a.payload_json, a.created_at,
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
  ORDER BY a.id`;

/**
 * Escalations still waiting for a person: the newest escalation of each package or task, while the
 * object is unchanged since (same status, not updated after it). Any later move, such as an
 * administrative reset, closes it.
 */
export function openEscalations(db: Db, projectId: number | null): OpenEscalation[] {
  const rows = db
    .prepare(LATEST_ESCALATIONS)
    .all({ type: ESCALATION_AUDIT, project: projectId }) as EscalationRow[];
  return rows.flatMap((row) => {
    const payload = parseJson<{ reason?: string; escalated_by?: string; status_after?: string }>(
      row.payload_json,
      {},
    );
    if (payload.status_after !== row.status || row.updated_at > row.created_at) return [];
    return [
      {
        target_type: row.target_type,
        target_id: row.target_id,
        project_id: row.project_id,
        task_id: row.task_id,
        work_package_id: row.work_package_id,
        status: row.status,
        title: row.title,
        task_title: row.task_title,
        reason: payload.reason ?? "",
        escalated_by: payload.escalated_by ?? "",
        escalated_at: row.created_at,
      },
    ];
  });
}
