import type { Db } from "./database.js";
import { parseJson } from "./json.js";
import { latestAuditOfTargets } from "./tables/audit-log.js";

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

/**
 * Escalations still waiting for a person: the newest escalation of each package or task, while the
 * object is unchanged since (same status, not updated after it). Any later move, such as an
 * administrative reset, closes it.
 */
export function openEscalations(db: Db, projectId: number | null): OpenEscalation[] {
  return latestAuditOfTargets(db, ESCALATION_AUDIT, projectId).flatMap((row) => {
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
