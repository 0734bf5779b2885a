import fs from "node:fs";
import path from "node:path";
import { eventIdentity } from "../continuation/ids.js";
import { inTransaction, type Db } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import {
  hasUnprojectedEvents,
  prepareMarkProjected,
  packageEventRowsAfter,
  packageSeqOf,
  unprojectedEvents,
} from "../ledger/tables/handoff-events.js";
import { appendLines, repairTail } from "./ndjson-file.js";
import { toEvent } from "./outbox.js";
import { eventsPath, runId, type RunIds } from "./run-paths.js";

/** What one projection did: runs that got lines, files whose damaged tail was rewritten, and failures. */
export interface Projection {
  touched: RunIds[];
  repaired: { events_path: string; from_seq: number; cut_bytes: number }[];
  failed: { events_path: string; error: string }[];
}

/**
 * The ledger's seq for a line if the line is that event, else null. A line names its event by
 * its own event_id; a line without one (written by the predecessor and imported) by the identity
 * the import gave it, which needs its line number (undefined until it is known). A line whose
 * seq disagrees with the ledger's is damaged.
 */
function ledgerSeqOf(db: Db, ids: RunIds, line: string, index: number | null): number | null | undefined {
  let value: Record<string, unknown>;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    value = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const own = typeof value.event_id === "string" && value.event_id.trim() !== "";
  if (!own && index === null) return undefined;
  const seq = packageSeqOf(db, ids.packageId, eventIdentity(runId(ids), index ?? 0, value));
  if (seq === null) return null;
  return value.seq === undefined || value.seq === seq ? seq : null;
}

/**
 * Brings one package's file up to the ledger: its last line must be the ledger's event at that
 * line's seq (a torn, foreign or corrupted tail is cut back to the last line that is), then every
 * ledger event after that seq is appended, already-projected ones included. A damaged file is
 * therefore rewritten from the ledger, never skipped while its rows are marked written.
 */
function projectPackage(db: Db, dataDir: string, ids: RunIds, out: Projection): void {
  const file = eventsPath(dataDir, ids);
  fs.mkdirSync(path.join(path.dirname(file), "handoff"), { recursive: true });
  const tail = repairTail(file, (line, index) => ledgerSeqOf(db, ids, line, index));
  if (tail.cutBytes > 0)
    out.repaired.push({ events_path: file, from_seq: tail.seq, cut_bytes: tail.cutBytes });
  const lines = packageEventRowsAfter(db, ids.packageId, tail.seq, Number.MAX_SAFE_INTEGER).map((row) =>
    stableJson(toEvent(row)),
  );
  if (lines.length === 0) return;
  appendLines(file, lines);
  out.touched.push(ids);
}

/**
 * Copies committed, not yet projected outbox rows to each package's events.ndjson, then marks
 * them projected. It runs under the ledger's write lock, so two processes never append the same
 * package at once; a crash after the append but before the mark is harmless because the file's
 * last good seq is the high-water mark. A package whose file cannot be written keeps its rows
 * pending (the caller retries) without holding back the other packages.
 */
export function projectPending(db: Db, dataDir: string, now: () => string): Projection {
  const out: Projection = { touched: [], repaired: [], failed: [] };
  // Most calls find nothing to do: check without taking the write lock first.
  if (!hasUnprojectedEvents(db)) return out;
  return inTransaction(db, () => {
    const rows = unprojectedEvents(db);
    const byPackage = new Map<number, typeof rows>();
    for (const row of rows) {
      const list = byPackage.get(row.work_package_id) ?? [];
      list.push(row);
      byPackage.set(row.work_package_id, list);
    }
    const markProjected = prepareMarkProjected(db);
    const at = now();
    for (const [packageId, pending] of byPackage) {
      const ids: RunIds = { projectId: pending[0]!.project_id, taskId: pending[0]!.task_id, packageId };
      try {
        projectPackage(db, dataDir, ids, out);
      } catch (error) {
        out.failed.push({ events_path: eventsPath(dataDir, ids), error: String(error) });
        continue;
      }
      markProjected(
        pending.map((row) => row.id),
        at,
      );
    }
    return out;
  });
}
