import { inTransaction, type Db } from "../ledger/database.js";
import { heldDeliveries, releaseHeld, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import type { LivenessProbe, RecoveryEntry } from "./lease-recovery.js";

/**
 * A delivery a handoff wait holds is the waiting server's while that server lives. Once the
 * server is confirmed gone (NOT_FOUND_OR_REUSED; UNKNOWN never counts) and the delivery is still
 * unresolved, it goes back to PENDING, due now and with no attempt counted, so the normal dispatch
 * resumes the recorded session or starts a controller for it. Probes first, then applies every
 * release in one transaction, each only if the row is still held under the attempt read.
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
  return inTransaction(db, () =>
    gone.flatMap((row) =>
      releaseHeld(
        db,
        row,
        now,
        `the waiting controller's server (pid ${row.controller_pid}) ended without resolving`,
      )
        ? [{ continuation_id: row.continuation_id, status: "released_unresolved_hold" }]
        : [],
    ),
  );
}
