import fs from "node:fs";
import path from "node:path";
import { inTransaction, type Db } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { appendLines, repairAndLastSeq } from "./ndjson-file.js";
import { toEvent, type EventRow } from "./outbox.js";
import { eventsPath, type RunIds } from "./run-paths.js";

/**
 * Copies committed, not yet projected outbox rows to each package's events.ndjson, then marks
 * them projected. It runs under the ledger's write lock, so two processes never append the same
 * package at once; a crash after the append but before the mark is harmless because lines whose
 * seq is already in the file are skipped (the file's last seq is the high-water mark).
 * Returns the runs that received new lines, for the caller to signal.
 */
export function projectPending(db: Db, dataDir: string, now: () => string): RunIds[] {
  // Most calls find nothing to do: check without taking the write lock first.
  if (!db.prepare("SELECT 1 FROM handoff_events WHERE projected_at IS NULL LIMIT 1").get()) return [];
  return inTransaction(db, () => {
    const rows = db
      .prepare("SELECT * FROM handoff_events WHERE projected_at IS NULL ORDER BY work_package_id, seq")
      .all() as EventRow[];
    if (rows.length === 0) return [];
    const byPackage = new Map<number, EventRow[]>();
    for (const row of rows)
      byPackage.set(row.work_package_id, [...(byPackage.get(row.work_package_id) ?? []), row]);
    const touched: RunIds[] = [];
    for (const [packageId, pending] of byPackage) {
      const first = pending[0]!;
      const ids: RunIds = { projectId: first.project_id, taskId: first.task_id, packageId };
      const file = eventsPath(dataDir, ids);
      fs.mkdirSync(path.join(path.dirname(file), "handoff"), { recursive: true });
      const written = repairAndLastSeq(file);
      const lines = pending.filter((r) => r.seq > written).map((r) => stableJson(toEvent(r)));
      if (lines.length > 0) {
        appendLines(file, lines);
        touched.push(ids);
      }
    }
    const mark = db.prepare("UPDATE handoff_events SET projected_at = ? WHERE id = ?");
    const at = now();
    for (const row of rows) mark.run(at, row.id);
    return touched;
  });
}
