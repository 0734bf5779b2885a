/**
 * What needs a human, read from the ledger: packages and tasks the controller escalated to the
 * user, packages whose newest event is a worker asking for help, controllers started but not yet
 * acknowledging, dead-lettered deliveries, and Mimo sessions the ledger thinks run whose process
 * is gone. Reads only; the process probe is the one async step
 * and runs before the snapshot's read transaction.
 */
import { parseRunId } from "../continuation/paths.js";
import type { Db } from "../ledger/database.js";
import { openEscalations } from "../ledger/escalations.js";
import { stuckDeliveries } from "../ledger/tables/continuation-deliveries.js";
import { newestEventsOfTypes } from "../ledger/tables/handoff-events.js";
import { listLiveSessionsWithProcess } from "../ledger/tables/mimo-sessions.js";
import { checkLiveness, type Liveness } from "../process/identity.js";

export type AttentionKind = "escalation" | "worker_event" | "awaiting_ack" | "dead_letter" | "session_gone";

export interface AttentionItem {
  kind: AttentionKind;
  project_id: number | null;
  task_id: number | null;
  work_package_id: number | null;
  /** Event type, delivery state or session state. */
  state: string;
  /** The worker's message, the delivery's last error, or what is gone. */
  message: string;
  /** When it happened (ages are measured from here). */
  at: string;
  /** Awaiting ACK only: when the controller's lease ends. */
  deadline: string | null;
  /** The delivery or session this is about, if any. */
  ref: string | null;
}

/** Worker events that mean the worker is stuck until someone answers. */
export const HELP_EVENTS = ["WORKER_BLOCKED", "WORKER_NEEDS_CONTROLLER", "WORKER_FAILED"] as const;

function messageOf(payloadJson: string): string {
  try {
    const payload = JSON.parse(payloadJson) as { message?: unknown };
    return typeof payload.message === "string" ? payload.message : "";
  } catch {
    return "";
  }
}

function helpEvents(db: Db): AttentionItem[] {
  return newestEventsOfTypes(db, HELP_EVENTS).map((r) => ({
    kind: "worker_event",
    project_id: r.project_id,
    task_id: r.task_id,
    work_package_id: r.work_package_id,
    state: r.type,
    message: messageOf(r.payload_json),
    at: r.created_at,
    deadline: null,
    ref: null,
  }));
}

function deliveries(db: Db): AttentionItem[] {
  return stuckDeliveries(db).map((d) => {
    const run = parseRunId(d.run_id);
    const waiting = d.state === "CONTROLLER_STARTED";
    return {
      kind: waiting ? "awaiting_ack" : "dead_letter",
      project_id: run.projectId,
      task_id: run.taskId,
      work_package_id: run.packageId,
      state: d.state,
      message: waiting ? "controller started, no ACK yet" : (d.last_error ?? "no error recorded"),
      at: d.created_at,
      deadline: waiting ? d.lease_expires_at : null,
      ref: d.continuation_id,
    };
  });
}

/** Ids of sessions the ledger thinks run whose process is gone (or whose pid now names another). */
export async function goneSessionIds(
  db: Db,
  probe: (id: { pid: number; os_start_time: string }) => Promise<Liveness> = checkLiveness,
): Promise<Set<number>> {
  const rows = listLiveSessionsWithProcess(db);
  const gone = new Set<number>();
  for (const s of rows) {
    const liveness = await probe({ pid: s.pid, os_start_time: s.process_started_at_os ?? "UNKNOWN" }).catch(
      (): Liveness => "UNKNOWN",
    );
    if (liveness === "NOT_FOUND_OR_REUSED") gone.add(s.id);
  }
  return gone;
}

function goneSessions(db: Db, gone: ReadonlySet<number>): AttentionItem[] {
  if (gone.size === 0) return [];
  return listLiveSessionsWithProcess(db)
    .filter((s) => gone.has(s.id))
    .map((s) => ({
      kind: "session_gone",
      project_id: s.project_id,
      task_id: s.task_id,
      work_package_id: s.work_package_id,
      state: s.lifecycle_state,
      message: `Mimo session #${s.id}: process ${s.pid} is gone`,
      at: s.started_at ?? s.created_at,
      deadline: null,
      ref: `session-${s.id}`,
    }));
}

/** Packages and tasks the controller escalated to the user, still where the escalation left them. */
function escalations(db: Db): AttentionItem[] {
  return openEscalations(db, null).map((e) => ({
    kind: "escalation",
    project_id: e.project_id,
    task_id: e.task_id,
    work_package_id: e.work_package_id,
    state: e.status,
    message: e.reason,
    at: e.escalated_at,
    deadline: null,
    ref: e.target_type === "task" ? `task #${e.task_id}` : null,
  }));
}

/** Every item, optionally for one project; escalations first, newest concerns last within each kind. */
export function attentionItems(db: Db, gone: ReadonlySet<number>, projectId?: number): AttentionItem[] {
  const all = [...escalations(db), ...helpEvents(db), ...deliveries(db), ...goneSessions(db, gone)];
  return projectId === undefined ? all : all.filter((i) => i.project_id === projectId);
}
