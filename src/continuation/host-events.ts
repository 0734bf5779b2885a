import { randomUUID } from "node:crypto";
import { appendLines } from "../handoff/ndjson-file.js";
import { stableJson } from "../ledger/json.js";
import { HOST_EVENT_TYPES, type HostEventType } from "./limits.js";

export interface HostEventScope {
  hostEventsPath: string;
  runId: string;
  projectId: number | null;
  taskId: number | null;
  packageId: number | null;
}

/** Appends one host event to `<run>/host-events.ndjson` with fsync, keys sorted. */
export function appendHostEvent(
  scope: HostEventScope,
  type: HostEventType,
  payload: Record<string, unknown>,
  nowIso: string,
): void {
  if (!HOST_EVENT_TYPES.includes(type)) throw new Error(`Unknown host event type: ${String(type)}`);
  const event = {
    created_at: nowIso,
    event_id: randomUUID(),
    payload,
    project_id: scope.projectId,
    run_id: scope.runId,
    task_id: scope.taskId,
    type,
    work_package_id: scope.packageId,
  };
  appendLines(scope.hostEventsPath, [stableJson(event)]);
}
