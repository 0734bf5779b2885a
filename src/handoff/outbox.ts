import { randomBytes } from "node:crypto";
import type { Db } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
import {
  findHandoffEvent,
  insertHandoffEvent,
  nextPackageSeq,
  type HandoffEventRow,
} from "../ledger/tables/handoff-events.js";
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

export function newEventId(): string {
  return `evt_${randomBytes(16).toString("hex")}`;
}

/**
 * Writes the event into the outbox. Call it inside the transaction of the state change that
 * causes it: the event is durable exactly when that change commits (transactional outbox).
 */
export function appendEvent(db: Db, e: NewEvent): HandoffEventRow {
  if (!db.inTransaction) throw new Error("appendEvent must run inside the state change's transaction");
  const eventId = newEventId();
  insertHandoffEvent(db, {
    event_id: eventId,
    project_id: e.projectId,
    task_id: e.taskId,
    work_package_id: e.packageId,
    seq: nextPackageSeq(db, e.packageId),
    type: e.type,
    worker: e.worker,
    payload_json: stableJson(e.payload),
    created_at: e.createdAt,
  });
  return findHandoffEvent(db, eventId)!;
}

export function toEvent(row: HandoffEventRow): HandoffEvent {
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
