import type { Db } from "../ledger/database.js";
import type { Liveness, ProcessIdentity } from "../process/identity.js";
import { leasedDeliveries, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import { applyLeaseDecisions, type Claimer, type LeaseDecision } from "./deliveries.js";
import { backoffMs, type DeliveryLimits } from "./limits.js";
import { pendingMarkPath, removePendingMark, takePendingMark } from "./launch-pending.js";
import { releaseOrphanedHolds } from "./held-recovery.js";
import { startedVerdict, type StartedFacts, type StartedVerdict } from "./started-verdict.js";

export type LivenessProbe = (identity: Pick<ProcessIdentity, "pid" | "os_start_time">) => Promise<Liveness>;

/** What lease recovery works with besides the ledger. */
export interface RecoveryEnv {
  self: Claimer;
  limits: DeliveryLimits;
  probe: LivenessProbe;
  /** Where the launches' pending marks are (launch-pending.ts). */
  launchesDir: string;
}

export interface RecoveryEntry {
  continuation_id: string;
  status: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The claiming supervisor's liveness; SELF for this one, UNKNOWN when the row does not say who. */
async function claimerLiveness(
  row: DeliveryRow,
  self: Claimer,
  probe: LivenessProbe,
): Promise<Liveness | "SELF"> {
  if (row.claimer_pid === null || row.claimer_started_at_os === null) return "UNKNOWN";
  if (row.claimer_pid === self.pid && row.claimer_started_at_os === self.startedAtOs) return "SELF";
  return probe({ pid: row.claimer_pid, os_start_time: row.claimer_started_at_os });
}

async function decideClaimed(
  row: DeliveryRow,
  nowMs: number,
  env: RecoveryEnv,
): Promise<[LeaseDecision, string] | null> {
  const { limits } = env;
  const expired = row.lease_expires_at !== null && row.lease_expires_at <= iso(nowMs);
  // A claim of a supervisor that is provably gone is recovered without waiting out the lease:
  // its launch gate never got the go-ahead, so no controller of that attempt can be running.
  const claimerDead = !expired && (await claimerLiveness(row, env.self, env.probe)) === "NOT_FOUND_OR_REUSED";
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

function gateLiveness(row: DeliveryRow, probe: LivenessProbe): Promise<Liveness> {
  if (row.controller_pid === null) return Promise.resolve("NOT_FOUND_OR_REUSED");
  return probe({ pid: row.controller_pid, os_start_time: row.controller_process_started_at_os ?? "UNKNOWN" });
}

/**
 * The facts the verdict needs, each looked up only where it can change the verdict (a liveness
 * not probed is UNKNOWN, a mark not looked for absent; the verdict then does not depend on them):
 * before lease expiry only an unconfirmed launch is looked at, its gate only once its supervisor
 * is gone, and its pending mark only once both are. The mark is then taken, not only looked at:
 * the gate takes it before it launches, so exactly one of the two goes ahead even when a probe
 * wrongly reports a live supervisor and gate gone; a taken mark always yields a lost-launch
 * verdict, and one whose decision is then not applied only leaves the delivery to its lease.
 */
async function startedFacts(row: DeliveryRow, nowMs: number, env: RecoveryEnv): Promise<StartedFacts> {
  const leaseExpired = row.lease_expires_at !== null && row.lease_expires_at <= iso(nowMs);
  const launchConfirmed = row.controller_confirmed_at !== null;
  const early = !leaseExpired && !launchConfirmed;
  const claimer = early ? await claimerLiveness(row, env.self, env.probe) : "UNKNOWN";
  const needGate = leaseExpired || (early && claimer === "NOT_FOUND_OR_REUSED");
  const gate = needGate ? await gateLiveness(row, env.probe) : "UNKNOWN";
  const launchPending =
    early &&
    claimer === "NOT_FOUND_OR_REUSED" &&
    gate === "NOT_FOUND_OR_REUSED" &&
    takePendingMark(pendingMarkPath(env.launchesDir, row.controller_launch_nonce));
  return {
    leaseExpired,
    launchConfirmed,
    claimer,
    gate,
    launchPending,
    attemptsLeft: row.attempt_count < env.limits.maxAttempts,
  };
}

const LAUNCH_LOST = "launch lost with its supervisor: the launch gate exited before it was sent the launch";

/** The lease decision and recovery status for a verdict; null when there is nothing to do. */
function startedDecision(
  verdict: StartedVerdict,
  row: DeliveryRow,
  nowMs: number,
  limits: DeliveryLimits,
): [LeaseDecision, string] | null {
  const retry = (error: string): LeaseDecision => ({
    row,
    to: "RETRY_WAIT",
    nextIso: iso(nowMs + backoffMs(limits, row.attempt_count)),
    error,
  });
  const exceeded = `Exceeded maximum attempt limit (${limits.maxAttempts})`;
  switch (verdict) {
    case "wait":
      return null;
    case "extend":
      return [{ row, to: "EXTEND", leaseIso: iso(nowMs + limits.ackLeaseMs), error: null }, "lease_extended"];
    case "extend_uncertain":
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
    case "dead_letter_unacked":
      return [
        { row, to: "DEAD_LETTER", error: `${exceeded} without controller ACK` },
        "dead_lettered_unacked",
      ];
    case "retry_unacked":
      return [retry("Controller process confirmed dead (NOT_FOUND_OR_REUSED)"), "retry_unacked"];
    case "dead_letter_launch_lost":
      return [{ row, to: "DEAD_LETTER", error: `${exceeded}: ${LAUNCH_LOST}` }, "dead_lettered_launch_lost"];
    case "retry_launch_lost":
      return [retry(LAUNCH_LOST), "retry_launch_lost"];
  }
}

async function decideStarted(
  row: DeliveryRow,
  nowMs: number,
  env: RecoveryEnv,
): Promise<[LeaseDecision, string] | null> {
  const verdict = startedVerdict(await startedFacts(row, nowMs, env));
  return startedDecision(verdict, row, nowMs, env.limits);
}

/**
 * Lease recovery. Liveness is probed first (it is asynchronous), then every
 * decision is applied in one transaction, each conditional on the row being unchanged — a row
 * that an ACK or another supervisor touched meanwhile is left alone. Then deliveries a handoff
 * wait held for a server now gone go back to PENDING (held-recovery.ts).
 */
export async function recoverLeases(db: Db, nowMs: number, env: RecoveryEnv): Promise<RecoveryEntry[]> {
  const decided: [LeaseDecision, string][] = [];
  for (const row of leasedDeliveries(db)) {
    const d =
      row.state === "CLAIMED" ? await decideClaimed(row, nowMs, env) : await decideStarted(row, nowMs, env);
    if (d) decided.push(d);
  }
  const applied = applyLeaseDecisions(
    db,
    decided.map(([d]) => d),
  );
  const entries = decided.flatMap(([d, status], i) => {
    if (!applied[i]) return [];
    // A launch that is settled keeps no mark: deleting it can only stop a gate from launching.
    if (d.row.state === "CONTROLLER_STARTED" && d.to !== "EXTEND")
      removePendingMark(pendingMarkPath(env.launchesDir, d.row.controller_launch_nonce));
    return [{ continuation_id: d.row.continuation_id, status }];
  });
  return [...entries, ...(await releaseOrphanedHolds(db, nowMs, env.probe))];
}
