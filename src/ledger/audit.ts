import type { Db } from "./database.js";
import { stableJson } from "./json.js";

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

export function appendAudit(db: Db, e: AuditEntry): number {
  const result = db
    .prepare(
      `INSERT INTO audit_log (event_type, actor_role, effective_role, actor_agent, target_type, target_id, payload_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.eventType,
      e.actorRole,
      e.effectiveRole,
      e.actorAgent,
      e.targetType,
      e.targetId,
      stableJson(e.payload ?? {}),
      e.createdAt,
    );
  return Number(result.lastInsertRowid);
}
