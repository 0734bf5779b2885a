import { inTransaction, type Db } from "../ledger/database.js";
import {
  coalesceHeld,
  heldDeliveries,
  openDeliveryOfRun,
  releaseHeld,
  type DeliveryRow,
} from "../ledger/tables/continuation-deliveries.js";
import type { LivenessProbe, RecoveryEntry } from "./lease-recovery.js";

/**
 * A delivery a handoff wait holds is the waiting server's while that server lives. Once the
 * server is confirmed gone (NOT_FOUND_OR_REUSED; UNKNOWN never counts) and the delivery is still
 * unresolved, it goes back to PENDING, due now and with no attempt counted, so the normal dispatch
 * resumes the recorded session or starts a controller for it. Of several released events of one
 * run, only the first goes back to PENDING; the others join it (`coalesced_into`), so a holder
 * that leaves many events unresolved starts one controller per run, not a crowd: that controller
 * reads every event since its cursor. Probes first, then applies every release in one
 * transaction, each only if the row is still held under the attempt read.
 */
export async function releaseOrphanedHolds(
  db: Db,
  nowMs: number,
  probe: LivenessProbe,
): Promise<RecoveryEntry[]> {
  const gone: DeliveryRow[] = [];
  for (const row of heldDeliveries(db)) {
    if (row.controller_pid === null) continue;
    const liveness = await probe({
      pid: row.controller_pid,
      os_start_time: row.controller_process_started_at_os ?? "UNKNOWN",
    });
    if (liveness === "NOT_FOUND_OR_REUSED") gone.push(row);
  }
  if (gone.length === 0) return [];
  const now = new Date(nowMs).toISOString();
  return inTransaction(db, () => gone.flatMap((row) => releaseOne(db, row, now)));
}

function releaseOne(db: Db, row: DeliveryRow, now: string): RecoveryEntry[] {
  const into = openDeliveryOfRun(db, row.run_id);
  if (into !== undefined)
    return coalesceHeld(db, row, into, now)
      ? [{ continuation_id: row.continuation_id, status: "coalesced_unresolved_hold" }]
      : [];
  const reason = `the waiting controller's server (pid ${row.controller_pid}) ended without resolving`;
  return releaseHeld(db, row, now, reason)
    ? [{ continuation_id: row.continuation_id, status: "released_unresolved_hold" }]
    : [];
}
