import { randomBytes } from "node:crypto";
import type { Db } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
import type { HandoffEvent, HandoffEventType } from "./event-types.js";

export interface NewEvent {
  projectId: number;
  taskId: number;
  packageId: number;
  type: HandoffEventType;
  worker: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export interface EventRow {
  id: number;
  event_id: string;
  project_id: number;
  task_id: number;
  work_package_id: number;
  seq: number;
  type: HandoffEventType;
  worker: string;
  payload_json: string;
  created_at: string;
  projected_at: string | null;
}

export function newEventId(): string {
  return `evt_${randomBytes(16).toString("hex")}`;
}

/**
 * Writes the event into the outbox. Call it inside the transaction of the state change that
 * causes it: the event is durable exactly when that change commits (transactional outbox).
 */
export function appendEvent(db: Db, e: NewEvent): EventRow {
  if (!db.inTransaction) throw new Error("appendEvent must run inside the state change's transaction");
  const { next } = db
    .prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM handoff_events WHERE work_package_id = ?")
    .get(e.packageId) as { next: number };
  const eventId = newEventId();
  db.prepare(
    `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    eventId,
    e.projectId,
    e.taskId,
    e.packageId,
    next,
    e.type,
    e.worker,
    stableJson(e.payload),
    e.createdAt,
  );
  return db.prepare("SELECT * FROM handoff_events WHERE event_id = ?").get(eventId) as EventRow;
}

export function toEvent(row: EventRow): HandoffEvent {
  return {
    event_id: row.event_id,
    seq: row.seq,
    type: row.type,
    project_id: row.project_id,
    task_id: row.task_id,
    work_package_id: row.work_package_id,
    worker: row.worker,
    payload: parseJson<Record<string, unknown>>(row.payload_json, {}),
    created_at: row.created_at,
  };
}
