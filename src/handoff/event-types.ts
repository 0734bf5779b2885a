/** The closed set of handoff event types (HOST_* events live in another file). */
export const HANDOFF_EVENT_TYPES = [
  "WORKER_STARTED",
  "WORKER_READY_FOR_REVIEW",
  "WORKER_BLOCKED",
  "WORKER_NEEDS_CONTROLLER",
  "WORKER_FAILED",
  "WORKER_DONE",
  "CONTROLLER_ACCEPTED",
  "CONTROLLER_REWORK_REQUESTED",
  "CONTROLLER_REPAIR_SUBMITTED",
  "CONTROLLER_CANCELLED",
  "CONTROLLER_ESCALATED_TO_USER",
] as const;
export type HandoffEventType = (typeof HANDOFF_EVENT_TYPES)[number];

/** What a claimed worker may report on its own. */
export const WORKER_REPORTABLE: readonly HandoffEventType[] = [
  "WORKER_BLOCKED",
  "WORKER_NEEDS_CONTROLLER",
  "WORKER_FAILED",
];

export function isHandoffEventType(value: string): value is HandoffEventType {
  return (HANDOFF_EVENT_TYPES as readonly string[]).includes(value);
}

/** One event as stored in the ledger, projected to NDJSON and returned by tools. */
export interface HandoffEvent {
  event_id: string;
  seq: number;
  type: HandoffEventType;
  project_id: number;
  task_id: number;
  work_package_id: number;
  worker: string;
  payload: Record<string, unknown>;
  created_at: string;
}
