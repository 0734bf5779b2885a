import type { Db } from "../ledger/database.js";
import { inTransaction } from "../ledger/database.js";
import {
  claimDue,
  extendLease,
  findDelivery,
  insertDelivery,
  leaseToDeadLetter,
  leaseToRetry,
  openDeliveryOfRun,
  recordControllerStarted,
  type DeliveryRow,
} from "../ledger/tables/continuation-deliveries.js";
import type { ProcessIdentity } from "../process/identity.js";

export interface NewDelivery {
  continuationId: string;
  runId: string;
  sourceEventId: string;
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
  return inTransaction(db, () =>
    items.reduce((n, d) => {
      const into = openDeliveryOfRun(db, d.runId);
      const row = {
        continuation_id: d.continuationId,
        run_id: d.runId,
        source_event_id: d.sourceEventId,
        next_attempt_at: nowIso,
        created_at: nowIso,
      };
      const added =
        into === undefined || into === d.continuationId
          ? insertDelivery(db, { ...row, state: "PENDING", resolved_at: null, resolution_json: null })
          : insertDelivery(db, {
              ...row,
              state: "RESOLVED",
              resolved_at: nowIso,
              resolution_json: JSON.stringify({ coalesced_into: into }),
            });
      return n + (added ? 1 : 0);
    }, 0),
  );
}

export interface Claimer {
  pid: number;
  startedAtOs: string;
}

/**
 * Claims a due delivery for one attempt: only if it is still PENDING or a due RETRY_WAIT with
 * the attempt count we read, so of two supervisors exactly one gets it.
 */
export function claimDelivery(
  db: Db,
  row: DeliveryRow,
  attemptId: string,
  claimer: Claimer,
  nowIso: string,
  leaseIso: string,
): boolean {
  return claimDue(db, {
    id: row.id,
    attempt_count: row.attempt_count,
    attempt_id: attemptId,
    claimed_by: `supervisor_${claimer.pid}`,
    claimer_pid: claimer.pid,
    claimer_started_at_os: claimer.startedAtOs,
    lease_expires_at: leaseIso,
    now: nowIso,
  });
}

export type StartedOutcome = "started" | "already_acknowledged" | "superseded";

/**
 * Records the launched process and the ACK lease, conditional on this attempt still owning the
 * row. An ACK that arrived first is never overwritten: the answer is then
 * `already_acknowledged`, and the caller does not release the controller.
 */
export function markControllerStarted(
  db: Db,
  continuationId: string,
  attemptId: string,
  identity: ProcessIdentity,
  leaseIso: string,
): StartedOutcome {
  return inTransaction(db, () => {
    if (recordControllerStarted(db, continuationId, attemptId, identity, leaseIso)) return "started";
    const now = findDelivery(db, continuationId);
    if (now && now.attempt_id === attemptId && (now.state === "ACKNOWLEDGED" || now.state === "RESOLVED")) {
      return "already_acknowledged";
    }
    return "superseded";
  });
}

export type LeaseDecision =
  | { row: DeliveryRow; to: "RETRY_WAIT"; nextIso: string; error: string | null }
  | { row: DeliveryRow; to: "DEAD_LETTER"; error: string | null }
  | { row: DeliveryRow; to: "EXTEND"; leaseIso: string; error: string | null };

/** Applies lease decisions in one transaction, each only if the row is exactly as it was read. */
export function applyLeaseDecisions(db: Db, decisions: readonly LeaseDecision[]): boolean[] {
  if (decisions.length === 0) return [];
  return inTransaction(db, () =>
    decisions.map((d) => {
      if (d.to === "RETRY_WAIT") return leaseToRetry(db, d.row, d.nextIso, d.error);
      if (d.to === "DEAD_LETTER") return leaseToDeadLetter(db, d.row, d.error);
      return extendLease(db, d.row, d.leaseIso, d.error);
    }),
  );
}
