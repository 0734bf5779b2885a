import type { Db } from "../ledger/database.js";
import type { Liveness, ProcessIdentity } from "../process/identity.js";
import { leasedDeliveries, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import { applyLeaseDecisions, type Claimer, type LeaseDecision } from "./deliveries.js";
import { backoffMs, type DeliveryLimits } from "./limits.js";

export type LivenessProbe = (identity: Pick<ProcessIdentity, "pid" | "os_start_time">) => Promise<Liveness>;

export interface RecoveryEntry {
  continuation_id: string;
  status: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function decideClaimed(
  row: DeliveryRow,
  nowMs: number,
  self: Claimer,
  limits: DeliveryLimits,
  probe: LivenessProbe,
): Promise<[LeaseDecision, string] | null> {
  const expired = row.lease_expires_at !== null && row.lease_expires_at <= iso(nowMs);
  let claimerDead = false;
  // A claim of a supervisor that is provably gone is recovered without waiting out the lease:
  // its launch gate never got the go-ahead, so no controller of that attempt can be running.
  if (!expired && row.claimer_pid !== null && row.claimer_started_at_os !== null) {
    const isSelf = row.claimer_pid === self.pid && row.claimer_started_at_os === self.startedAtOs;
    if (!isSelf) {
      claimerDead =
        (await probe({ pid: row.claimer_pid, os_start_time: row.claimer_started_at_os })) ===
        "NOT_FOUND_OR_REUSED";
    }
  }
  if (!expired && !claimerDead) return null;
  const why = claimerDead
    ? "claiming supervisor confirmed dead"
    : "Claim lease expired before controller launch";
  if (row.attempt_count >= limits.maxAttempts) {
    return [
      {
        row,
        to: "DEAD_LETTER",
        error: `Exceeded maximum attempt limit (${limits.maxAttempts}) during CLAIMED lease recovery (${why})`,
      },
      "dead_lettered_claimed_lease",
    ];
  }
  return [
    { row, to: "RETRY_WAIT", nextIso: iso(nowMs + backoffMs(limits, row.attempt_count)), error: why },
    "retry_claimed_lease",
  ];
}

async function decideStarted(
  row: DeliveryRow,
  nowMs: number,
  limits: DeliveryLimits,
  probe: LivenessProbe,
): Promise<[LeaseDecision, string] | null> {
  if (row.lease_expires_at === null || row.lease_expires_at > iso(nowMs)) return null;
  const liveness: Liveness =
    row.controller_pid === null
      ? "NOT_FOUND_OR_REUSED"
      : await probe({
          pid: row.controller_pid,
          os_start_time: row.controller_process_started_at_os ?? "UNKNOWN",
        });
  if (liveness === "MATCH") {
    return [{ row, to: "EXTEND", leaseIso: iso(nowMs + limits.ackLeaseMs), error: null }, "lease_extended"];
  }
  if (liveness === "UNKNOWN") {
    // Never launch a duplicate while we cannot tell whether the controller still runs.
    return [
      {
        row,
        to: "EXTEND",
        leaseIso: iso(nowMs + limits.uncertaintyExtensionMs),
        error: `Controller liveness UNKNOWN for pid ${row.controller_pid}; lease extended, no duplicate launched`,
      },
      "uncertainty_extended",
    ];
  }
  if (row.attempt_count >= limits.maxAttempts) {
    return [
      {
        row,
        to: "DEAD_LETTER",
        error: `Exceeded maximum attempt limit (${limits.maxAttempts}) without controller ACK`,
      },
      "dead_lettered_unacked",
    ];
  }
  return [
    {
      row,
      to: "RETRY_WAIT",
      nextIso: iso(nowMs + backoffMs(limits, row.attempt_count)),
      error: "Controller process confirmed dead (NOT_FOUND_OR_REUSED)",
    },
    "retry_unacked",
  ];
}

/**
 * Lease recovery. Liveness is probed first (it is asynchronous), then every
 * decision is applied in one transaction, each conditional on the row being unchanged — a row
 * that an ACK or another supervisor touched meanwhile is left alone.
 */
export async function recoverLeases(
  db: Db,
  nowMs: number,
  self: Claimer,
  limits: DeliveryLimits,
  probe: LivenessProbe,
): Promise<RecoveryEntry[]> {
  const decided: [LeaseDecision, string][] = [];
  for (const row of leasedDeliveries(db)) {
    const d =
      row.state === "CLAIMED"
        ? await decideClaimed(row, nowMs, self, limits, probe)
        : await decideStarted(row, nowMs, limits, probe);
    if (d) decided.push(d);
  }
  const applied = applyLeaseDecisions(
    db,
    decided.map(([d]) => d),
  );
  return decided.flatMap(([d, status], i) =>
    applied[i] ? [{ continuation_id: d.row.continuation_id, status }] : [],
  );
}
