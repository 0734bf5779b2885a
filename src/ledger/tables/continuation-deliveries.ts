import type { DeliveryState } from "../../continuation/limits.js";
import type { ProcessIdentity } from "../../process/identity.js";
import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/**
 * The continuation delivery ledger: one delivery per (run, source event). Every update is a
 * compare-and-set on the state the caller read, so of two supervisors (or a supervisor and a
 * controller's ACK) exactly one wins; each answers whether it changed the row.
 */

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
  /** When the gate reported the controller's pid: the launch happened (null: not heard of). */
  controller_confirmed_at: string | null;
}

export type NewDeliveryRow = Pick<
  DeliveryRow,
  | "continuation_id"
  | "run_id"
  | "source_event_id"
  | "state"
  | "next_attempt_at"
  | "created_at"
  | "resolved_at"
  | "resolution_json"
>;

/** The columns the status page's attention list shows of a delivery. */
export type DeliveryBrief = Pick<
  DeliveryRow,
  "continuation_id" | "run_id" | "state" | "lease_expires_at" | "last_error" | "created_at"
>;

/** The row the key of a compare-and-set was read from. */
export type DeliveryKey = Pick<DeliveryRow, "id" | "state" | "attempt_id" | "lease_expires_at">;

/** The one key of the resolution of a delivery a handoff wait took (see handOverDelivery). */
export const HANDED_OVER_KEY = "handed_to_waiting_controller";
/** SQL: the row's resolution is a handover note. */
const HANDED_OVER = `resolution_json LIKE '{"${HANDED_OVER_KEY}":%'`;
/** SQL: the row read as `@id` / `@attempt_id` is still held by a handoff wait under that attempt. */
const STILL_HELD = `id = @id AND state = 'ACKNOWLEDGED' AND attempt_id = @attempt_id AND ${HANDED_OVER}`;

/** The timeline entries of one run's deliveries (`@run`: the run id), for the status page. */
export const RUN_DELIVERY_TIMELINE_SQL = `SELECT created_at AS at, 'continuation ' || state || ', attempts ' || attempt_count
                   || CASE WHEN ${HANDED_OVER} THEN ', handed to a waiting controller' ELSE '' END AS label
                   FROM continuation_deliveries WHERE run_id = @run`;

export function findDelivery(db: Db, continuationId: string): DeliveryRow | undefined {
  return prepared(db, "SELECT * FROM continuation_deliveries WHERE continuation_id = ?").get(
    continuationId,
  ) as DeliveryRow | undefined;
}

/** The oldest delivery of the run that no controller has acknowledged yet, if any. */
export function openDeliveryOfRun(db: Db, runId: string): string | undefined {
  const row = prepared(
    db,
    `SELECT continuation_id FROM continuation_deliveries
       WHERE run_id = ? AND state IN ('PENDING', 'CLAIMED', 'CONTROLLER_STARTED', 'RETRY_WAIT') ORDER BY id LIMIT 1`,
  ).get(runId) as { continuation_id: string } | undefined;
  return row?.continuation_id;
}

/** Inserts the delivery unless its continuation id exists; answers whether it was new. */
export function insertDelivery(db: Db, row: NewDeliveryRow): boolean {
  return (
    prepared(
      db,
      `INSERT OR IGNORE INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_count, next_attempt_at, created_at, resolved_at, resolution_json)
         VALUES (@continuation_id, @run_id, @source_event_id, @state, 0, @next_attempt_at, @created_at, @resolved_at, @resolution_json)`,
    ).run(row).changes === 1
  );
}

/** Waiting deliveries whose next attempt is due, oldest first. */
export function dueDeliveries(db: Db, nowIso: string, limit: number): DeliveryRow[] {
  return prepared(
    db,
    `SELECT * FROM continuation_deliveries WHERE state IN ('PENDING', 'RETRY_WAIT') AND next_attempt_at <= ?
       ORDER BY id LIMIT ?`,
  ).all(nowIso, limit) as DeliveryRow[];
}

/** The earliest moment something becomes due (a retry or a lease expiry), or null. */
export function nextDueAt(db: Db): string | null {
  const row = prepared(
    db,
    `SELECT MIN(t) AS t FROM (
         SELECT MIN(next_attempt_at) AS t FROM continuation_deliveries WHERE state IN ('PENDING', 'RETRY_WAIT')
         UNION ALL
         SELECT MIN(lease_expires_at) FROM continuation_deliveries WHERE state IN ('CLAIMED', 'CONTROLLER_STARTED'))`,
  ).get() as { t: string | null };
  return row.t;
}

/** Deliveries under a claim or ACK lease, oldest first. */
export function leasedDeliveries(db: Db): DeliveryRow[] {
  return prepared(
    db,
    "SELECT * FROM continuation_deliveries WHERE state IN ('CLAIMED', 'CONTROLLER_STARTED') ORDER BY id",
  ).all() as DeliveryRow[];
}

export function unresolvedDeliveries(db: Db): DeliveryRow[] {
  return prepared(
    db,
    "SELECT * FROM continuation_deliveries WHERE state != 'RESOLVED' ORDER BY id",
  ).all() as DeliveryRow[];
}

/** Deliveries waiting for a controller's ACK or dead-lettered, oldest first. */
export function stuckDeliveries(db: Db): DeliveryBrief[] {
  return prepared(
    db,
    `SELECT continuation_id, run_id, state, lease_expires_at, last_error, created_at
         FROM continuation_deliveries WHERE state IN ('CONTROLLER_STARTED', 'DEAD_LETTER') ORDER BY id`,
  ).all() as DeliveryBrief[];
}

/** Dead-letters a due delivery exactly as it was read (same state and attempt count). */
export function deadLetterDue(db: Db, row: DeliveryRow, nowIso: string, error: string): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET state = 'DEAD_LETTER', last_error = @error, lease_expires_at = NULL
         WHERE id = @id AND state = @state AND attempt_count = @attempt_count AND next_attempt_at <= @now`,
    ).run({ error, id: row.id, state: row.state, attempt_count: row.attempt_count, now: nowIso }).changes ===
    1
  );
}

export interface ClaimChange {
  id: number;
  /** The attempt count read: the claim fails if another claim counted one since. */
  attempt_count: number;
  attempt_id: string;
  claimed_by: string;
  claimer_pid: number;
  claimer_started_at_os: string;
  lease_expires_at: string;
  now: string;
}

/**
 * Claims a PENDING delivery, or a RETRY_WAIT one whose retry is due, for one attempt: counts
 * the attempt and clears the previous attempt's controller.
 */
export function claimDue(db: Db, claim: ClaimChange): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'CLAIMED', attempt_id = @attempt_id, claimed_by = @claimed_by, claimer_pid = @claimer_pid,
             claimer_started_at_os = @claimer_started_at_os, lease_expires_at = @lease_expires_at,
             attempt_count = attempt_count + 1,
             controller_pid = NULL, controller_process_started_at_os = NULL, controller_executable_path = NULL,
             controller_argv_hash = NULL, controller_launch_nonce = NULL, controller_confirmed_at = NULL
         WHERE id = @id AND attempt_count = @attempt_count
           AND (state = 'PENDING' OR (state = 'RETRY_WAIT' AND next_attempt_at <= @now))`,
    ).run(claim).changes === 1
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
    prepared(
      db,
      `UPDATE continuation_deliveries SET state = 'RETRY_WAIT', last_error = @error, next_attempt_at = @next, lease_expires_at = NULL
         WHERE continuation_id = @continuation_id AND attempt_id = @attempt_id AND state IN ('CLAIMED', 'CONTROLLER_STARTED')`,
    ).run({ error, next: nextIso, continuation_id: continuationId, attempt_id: attemptId }).changes === 1
  );
}

/** Records the launched controller and its ACK lease while this attempt still owns the row. */
export function recordControllerStarted(
  db: Db,
  continuationId: string,
  attemptId: string,
  identity: ProcessIdentity,
  leaseIso: string,
): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'CONTROLLER_STARTED', lease_expires_at = @lease, controller_pid = @pid,
             controller_process_started_at_os = @os_start_time, controller_executable_path = @executable_path,
             controller_argv_hash = @argv_hash, controller_launch_nonce = @launch_nonce
         WHERE continuation_id = @continuation_id AND attempt_id = @attempt_id AND state IN ('CLAIMED', 'CONTROLLER_STARTED')`,
    ).run({
      lease: leaseIso,
      pid: identity.pid,
      os_start_time: identity.os_start_time,
      executable_path: identity.executable_path,
      argv_hash: identity.argv_hash,
      launch_nonce: identity.launch_nonce,
      continuation_id: continuationId,
      attempt_id: attemptId,
    }).changes === 1
  );
}

/**
 * Records that the gate reported the controller started, while this attempt still owns the row
 * (an ACK may already have come: the launch is recorded all the same).
 */
export function recordLaunchConfirmed(
  db: Db,
  continuationId: string,
  attemptId: string,
  nowIso: string,
): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET controller_confirmed_at = @now
         WHERE continuation_id = @continuation_id AND attempt_id = @attempt_id
           AND state IN ('CONTROLLER_STARTED', 'ACKNOWLEDGED', 'RESOLVED')`,
    ).run({ now: nowIso, continuation_id: continuationId, attempt_id: attemptId }).changes === 1
  );
}

const SAME =
  "id = @id AND state = @state AND attempt_id IS @attempt_id AND lease_expires_at IS @lease_expires_at";

function keyOf(row: DeliveryKey) {
  return { id: row.id, state: row.state, attempt_id: row.attempt_id, lease_expires_at: row.lease_expires_at };
}

/** An expired lease back to RETRY_WAIT, if the row is exactly as read. */
export function leaseToRetry(db: Db, row: DeliveryKey, nextIso: string, error: string | null): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET state = 'RETRY_WAIT', next_attempt_at = @next, lease_expires_at = NULL, last_error = @error WHERE ${SAME}`,
    ).run({ ...keyOf(row), next: nextIso, error }).changes === 1
  );
}

/** An expired lease to DEAD_LETTER, if the row is exactly as read. */
export function leaseToDeadLetter(db: Db, row: DeliveryKey, error: string | null): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET state = 'DEAD_LETTER', lease_expires_at = NULL, last_error = @error WHERE ${SAME}`,
    ).run({ ...keyOf(row), error }).changes === 1
  );
}

/** A lease moved to `leaseIso` (keeping the last error unless a new one is given), if the row is exactly as read. */
export function extendLease(db: Db, row: DeliveryKey, leaseIso: string, error: string | null): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET lease_expires_at = @lease, last_error = COALESCE(@error, last_error) WHERE ${SAME}`,
    ).run({ ...keyOf(row), lease: leaseIso, error }).changes === 1
  );
}

/** ACKNOWLEDGED by the controller, while the attempt's controller is claimed or started. */
export function acknowledgeDelivery(
  db: Db,
  ack: {
    continuation_id: string;
    source_event_id: string;
    attempt_id: string;
    session_id: string | null;
    now: string;
  },
): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'ACKNOWLEDGED', acknowledged_at = @now, controller_session_id = COALESCE(@session_id, controller_session_id), lease_expires_at = NULL
         WHERE continuation_id = @continuation_id AND source_event_id = @source_event_id AND attempt_id = @attempt_id
           AND state IN ('CONTROLLER_STARTED', 'CLAIMED')`,
    ).run(ack).changes === 1
  );
}

/** RESOLVED with its resolution, while this attempt's delivery is ACKNOWLEDGED. */
export function resolveDelivery(
  db: Db,
  resolved: { continuation_id: string; attempt_id: string; resolution_json: string; now: string },
): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET state = 'RESOLVED', resolved_at = @now, resolution_json = @resolution_json
         WHERE continuation_id = @continuation_id AND attempt_id = @attempt_id AND state = 'ACKNOWLEDGED'`,
    ).run(resolved).changes === 1
  );
}

/** A dead-lettered delivery back to PENDING with a fresh attempt count and no trace of past attempts. */
export function requeueDelivery(db: Db, id: number, nowIso: string, note: string): void {
  prepared(
    db,
    `UPDATE continuation_deliveries
     SET state = 'PENDING', attempt_count = 0, attempt_id = NULL, claimed_by = NULL, claimer_pid = NULL, claimer_started_at_os = NULL,
         lease_expires_at = NULL, controller_pid = NULL, controller_process_started_at_os = NULL, controller_executable_path = NULL,
         controller_argv_hash = NULL, controller_launch_nonce = NULL, controller_confirmed_at = NULL,
         controller_session_id = NULL, acknowledged_at = NULL,
         resolved_at = NULL, resolution_json = NULL, next_attempt_at = @now, last_error = @note
     WHERE id = @id AND state = 'DEAD_LETTER'`,
  ).run({ id, now: nowIso, note });
}

/**
 * A due delivery's next attempt moved to `nextIso` with a note, without counting an attempt, if
 * the row is exactly as read (a live handoff wait may take its event first).
 */
export function deferDue(db: Db, row: DeliveryRow, nextIso: string, note: string): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries SET next_attempt_at = @next, last_error = @note
         WHERE id = @id AND state = @state AND attempt_count = @attempt_count AND state IN ('PENDING', 'RETRY_WAIT')`,
    ).run({ next: nextIso, note, id: row.id, state: row.state, attempt_count: row.attempt_count }).changes ===
    1
  );
}

export interface HandOver {
  continuation_id: string;
  run_id: string;
  source_event_id: string;
  /** The attempt id the holder resolves with (the wait's answer names it). */
  attempt_id: string;
  session_id: string | null;
  /** The holder: the waiting server's pid and OS start time. */
  holder_pid: number;
  holder_started_at_os: string;
  /** The handover's note: a JSON object whose only key is HANDED_OVER_KEY. */
  resolution_json: string;
  now: string;
}

/**
 * Records that a handoff wait returned the delivery's event to its controller: ACKNOWLEDGED
 * under the given attempt id, held by the waiting server (its pid and start time in the
 * controller columns, the handover note in resolution_json), created so if the supervisor has not
 * queued it yet. Only a delivery no controller has been launched for changes (PENDING,
 * RETRY_WAIT, or CLAIMED before its launch is recorded: that launch is then refused). Answers
 * whether this call handed it over.
 */
export function handOverDelivery(db: Db, h: HandOver): boolean {
  const inserted =
    prepared(
      db,
      `INSERT OR IGNORE INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_count, attempt_id,
           next_attempt_at, created_at, acknowledged_at, controller_pid, controller_process_started_at_os,
           controller_session_id, resolution_json)
         VALUES (@continuation_id, @run_id, @source_event_id, 'ACKNOWLEDGED', 0, @attempt_id, @now, @now, @now, @holder_pid,
           @holder_started_at_os, @session_id, @resolution_json)`,
    ).run(h).changes === 1;
  if (inserted) return true;
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'ACKNOWLEDGED', acknowledged_at = @now, resolution_json = @resolution_json,
             controller_session_id = COALESCE(@session_id, controller_session_id), lease_expires_at = NULL,
             attempt_id = @attempt_id, controller_pid = @holder_pid, controller_process_started_at_os = @holder_started_at_os,
             controller_executable_path = NULL, controller_argv_hash = NULL, controller_launch_nonce = NULL,
             controller_confirmed_at = NULL
         WHERE continuation_id = @continuation_id AND source_event_id = @source_event_id
           AND state IN ('PENDING', 'RETRY_WAIT', 'CLAIMED')`,
    ).run(h).changes === 1
  );
}

/**
 * A held delivery whose run already has an open delivery joins it instead (RESOLVED with
 * `coalesced_into`, as a new event of that run would), if it is still held under the attempt read.
 */
export function coalesceHeld(db: Db, row: DeliveryKey, into: string, nowIso: string): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'RESOLVED', resolved_at = @now, resolution_json = @resolution,
             controller_pid = NULL, controller_process_started_at_os = NULL
         WHERE ${STILL_HELD}`,
    ).run({
      id: row.id,
      attempt_id: row.attempt_id,
      now: nowIso,
      resolution: JSON.stringify({ coalesced_into: into }),
    }).changes === 1
  );
}

/** Deliveries a handoff wait holds (ACKNOWLEDGED by a handover, not by a launched controller's ACK). */
export function heldDeliveries(db: Db): DeliveryRow[] {
  return prepared(
    db,
    `SELECT * FROM continuation_deliveries
       WHERE state = 'ACKNOWLEDGED' AND ${HANDED_OVER} ORDER BY id`,
  ).all() as DeliveryRow[];
}

/**
 * A held delivery back to PENDING, due now, with the reason, counting no attempt, if it is still
 * held under the attempt read. The recorded session stays, so the supervisor resumes it.
 */
export function releaseHeld(db: Db, row: DeliveryKey, nowIso: string, error: string): boolean {
  return (
    prepared(
      db,
      `UPDATE continuation_deliveries
         SET state = 'PENDING', next_attempt_at = @now, acknowledged_at = NULL, resolution_json = NULL,
             controller_pid = NULL, controller_process_started_at_os = NULL, last_error = @error
         WHERE ${STILL_HELD}`,
    ).run({ id: row.id, attempt_id: row.attempt_id, now: nowIso, error }).changes === 1
  );
}
