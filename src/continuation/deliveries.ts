import type { Db } from "../ledger/database.js";
import { inTransaction } from "../ledger/database.js";
import type { ProcessIdentity } from "../process/identity.js";
import type { DeliveryState } from "./limits.js";

/** One row of `continuation_deliveries`: one delivery per (run, source event). */
export interface DeliveryRow {
  id: number;
  continuation_id: string;
  run_id: string;
  source_event_id: string;
  state: DeliveryState;
  attempt_count: number;
  attempt_id: string | null;
  claimed_by: string | null;
  next_attempt_at: string;
  lease_expires_at: string | null;
  controller_pid: number | null;
  controller_process_started_at_os: string | null;
  controller_executable_path: string | null;
  controller_argv_hash: string | null;
  controller_launch_nonce: string | null;
  controller_session_id: string | null;
  acknowledged_at: string | null;
  resolved_at: string | null;
  resolution_json: string | null;
  last_error: string | null;
  created_at: string;
  claimer_pid: number | null;
  claimer_started_at_os: string | null;
}

export interface NewDelivery {
  continuationId: string;
  runId: string;
  sourceEventId: string;
}

export function findDelivery(db: Db, continuationId: string): DeliveryRow | undefined {
  return db.prepare("SELECT * FROM continuation_deliveries WHERE continuation_id = ?").get(continuationId) as
    DeliveryRow | undefined;
}

/**
 * Inserts the deliveries that do not exist yet, in one transaction; returns how many were new.
 * While a run has a delivery no controller has acknowledged yet, a further event of that run
 * joins it instead of queueing a launch of its own: the controller that delivery starts reads
 * every event since its cursor anyway. The joined event is recorded as RESOLVED with
 * `coalesced_into`, so it stays idempotent and visible, and never launches anything.
 */
export function enqueueDeliveries(db: Db, items: readonly NewDelivery[], nowIso: string): number {
  if (items.length === 0) return 0;
  const open = db.prepare(
    `SELECT continuation_id FROM continuation_deliveries
     WHERE run_id = ? AND state IN ('PENDING', 'CLAIMED', 'CONTROLLER_STARTED', 'RETRY_WAIT') ORDER BY id LIMIT 1`,
  );
  const insert = db.prepare(
    `INSERT OR IGNORE INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_count, next_attempt_at, created_at)
     VALUES (?, ?, ?, 'PENDING', 0, ?, ?)`,
  );
  const join = db.prepare(
    `INSERT OR IGNORE INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_count, next_attempt_at, created_at, resolved_at, resolution_json)
     VALUES (?, ?, ?, 'RESOLVED', 0, ?, ?, ?, ?)`,
  );
  return inTransaction(db, () =>
    items.reduce((n, d) => {
      const into = open.get(d.runId) as { continuation_id: string } | undefined;
      const added =
        into === undefined || into.continuation_id === d.continuationId
          ? insert.run(d.continuationId, d.runId, d.sourceEventId, nowIso, nowIso)
          : join.run(
              d.continuationId,
              d.runId,
              d.sourceEventId,
              nowIso,
              nowIso,
              nowIso,
              JSON.stringify({ coalesced_into: into.continuation_id }),
            );
      return n + added.changes;
    }, 0),
  );
}

export function dueDeliveries(db: Db, nowIso: string, limit: number): DeliveryRow[] {
  return db
    .prepare(
      `SELECT * FROM continuation_deliveries WHERE state IN ('PENDING', 'RETRY_WAIT') AND next_attempt_at <= ?
       ORDER BY id LIMIT ?`,
    )
    .all(nowIso, limit) as DeliveryRow[];
}

/** The earliest moment something becomes due (a retry or a lease expiry), or null. */
export function nextDueAt(db: Db): string | null {
  const row = db
    .prepare(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(next_attempt_at) AS t FROM continuation_deliveries WHERE state IN ('PENDING', 'RETRY_WAIT')
         UNION ALL
         SELECT MIN(lease_expires_at) FROM continuation_deliveries WHERE state IN ('CLAIMED', 'CONTROLLER_STARTED'))`,
    )
    .get() as { t: string | null };
  return row.t;
}

/** Dead-letters a due delivery that has used its attempts; conditional so a racing claim wins cleanly. */
export function deadLetterDue(db: Db, row: DeliveryRow, nowIso: string, error: string): boolean {
  return (
    db
      .prepare(
        `UPDATE continuation_deliveries SET state = 'DEAD_LETTER', last_error = ?, lease_expires_at = NULL
         WHERE id = ? AND state = ? AND attempt_count = ? AND next_attempt_at <= ?`,
      )
      .run(error, row.id, row.state, row.attempt_count, nowIso).changes === 1
  );
}

export interface Claimer {
  pid: number;
  startedAtOs: string;
}

/**
 * Claims a due delivery for one attempt: only if it is still PENDING or
 * a due RETRY_WAIT with the attempt count we read, so of two supervisors exactly one gets it.
 */
export function claimDelivery(
  db: Db,
  row: DeliveryRow,
  attemptId: string,
  claimer: Claimer,
  nowIso: string,
  leaseIso: string,
): boolean {
  return (
    db
      .prepare(
        `UPDATE continuation_deliveries
         SET state = 'CLAIMED', attempt_id = ?, claimed_by = ?, claimer_pid = ?, claimer_started_at_os = ?,
             lease_expires_at = ?, attempt_count = attempt_count + 1,
             controller_pid = NULL, controller_process_started_at_os = NULL, controller_executable_path = NULL,
             controller_argv_hash = NULL, controller_launch_nonce = NULL
         WHERE id = ? AND attempt_count = ? AND (state = 'PENDING' OR (state = 'RETRY_WAIT' AND next_attempt_at <= ?))`,
      )
      .run(
        attemptId,
        `supervisor_${claimer.pid}`,
        claimer.pid,
        claimer.startedAtOs,
        leaseIso,
        row.id,
        row.attempt_count,
        nowIso,
      ).changes === 1
  );
}

/** Back to RETRY_WAIT after a failed attempt, only while this attempt still owns the row. */
export function retryAttempt(
  db: Db,
  continuationId: string,
  attemptId: string,
  error: string,
  nextIso: string,
): boolean {
  return (
    db
      .prepare(
        `UPDATE continuation_deliveries SET state = 'RETRY_WAIT', last_error = ?, next_attempt_at = ?, lease_expires_at = NULL
         WHERE continuation_id = ? AND attempt_id = ? AND state IN ('CLAIMED', 'CONTROLLER_STARTED')`,
      )
      .run(error, nextIso, continuationId, attemptId).changes === 1
  );
}

export type StartedOutcome = "started" | "already_acknowledged" | "superseded";

/**
 * Records the launched process and the ACK lease, conditional on this
 * attempt still owning the row. An ACK that arrived first is never overwritten: the answer is
 * then `already_acknowledged`, and the caller does not release the controller.
 */
export function markControllerStarted(
  db: Db,
  continuationId: string,
  attemptId: string,
  identity: ProcessIdentity,
  leaseIso: string,
): StartedOutcome {
  return inTransaction(db, () => {
    const changed = db
      .prepare(
        `UPDATE continuation_deliveries
         SET state = 'CONTROLLER_STARTED', lease_expires_at = ?, controller_pid = ?, controller_process_started_at_os = ?,
             controller_executable_path = ?, controller_argv_hash = ?, controller_launch_nonce = ?
         WHERE continuation_id = ? AND attempt_id = ? AND state IN ('CLAIMED', 'CONTROLLER_STARTED')`,
      )
      .run(
        leaseIso,
        identity.pid,
        identity.os_start_time,
        identity.executable_path,
        identity.argv_hash,
        identity.launch_nonce,
        continuationId,
        attemptId,
      ).changes;
    if (changed === 1) return "started";
    const now = findDelivery(db, continuationId);
    if (now && now.attempt_id === attemptId && (now.state === "ACKNOWLEDGED" || now.state === "RESOLVED")) {
      return "already_acknowledged";
    }
    return "superseded";
  });
}

export function leaseCandidates(db: Db): DeliveryRow[] {
  return db
    .prepare(
      "SELECT * FROM continuation_deliveries WHERE state IN ('CLAIMED', 'CONTROLLER_STARTED') ORDER BY id",
    )
    .all() as DeliveryRow[];
}

export interface LeaseDecision {
  row: DeliveryRow;
  to: "RETRY_WAIT" | "DEAD_LETTER" | "EXTEND";
  leaseIso?: string;
  nextIso?: string;
  error: string | null;
}

/** Applies lease decisions in one transaction, each only if the row is exactly as it was read. */
export function applyLeaseDecisions(db: Db, decisions: readonly LeaseDecision[]): boolean[] {
  if (decisions.length === 0) return [];
  const same = "id = ? AND state = ? AND attempt_id IS ? AND lease_expires_at IS ?";
  const retry = db.prepare(
    `UPDATE continuation_deliveries SET state = 'RETRY_WAIT', next_attempt_at = ?, lease_expires_at = NULL, last_error = ? WHERE ${same}`,
  );
  const dead = db.prepare(
    `UPDATE continuation_deliveries SET state = 'DEAD_LETTER', lease_expires_at = NULL, last_error = ? WHERE ${same}`,
  );
  const extend = db.prepare(
    `UPDATE continuation_deliveries SET lease_expires_at = ?, last_error = COALESCE(?, last_error) WHERE ${same}`,
  );
  return inTransaction(db, () =>
    decisions.map((d) => {
      const key = [d.row.id, d.row.state, d.row.attempt_id, d.row.lease_expires_at] as const;
      if (d.to === "RETRY_WAIT") return retry.run(d.nextIso, d.error, ...key).changes === 1;
      if (d.to === "DEAD_LETTER") return dead.run(d.error, ...key).changes === 1;
      return extend.run(d.leaseIso, d.error, ...key).changes === 1;
    }),
  );
}
