import fs from "node:fs";
import path from "node:path";
import { eventIdentity } from "../continuation/ids.js";
import { inTransactionUnsynced, type Db } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import {
  hasUnprojectedEvents,
  prepareMarkProjected,
  packageEventRowsAfter,
  packageSeqOf,
  unprojectedEvents,
  unprojectedHighWater,
  type UnprojectedEvent,
} from "../ledger/tables/handoff-events.js";
import { appendUnsynced, lastGoodSeq, repairTail, type UnsyncedAppend } from "./ndjson-file.js";
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
 * ledger event after that seq is written, already-projected ones included. A damaged file is
 * therefore rewritten from the ledger, never skipped while its rows are marked written. The lines
 * are visible when it returns and durable once the returned append is synced, which happens even
 * when there was nothing to write: rows are only ever marked after an fsync of their file.
 */
function projectPackage(db: Db, dataDir: string, ids: RunIds, out: Projection): UnsyncedAppend {
  const file = eventsPath(dataDir, ids);
  fs.mkdirSync(path.join(path.dirname(file), "handoff"), { recursive: true });
  const tail = repairTail(file, (line, index) => ledgerSeqOf(db, ids, line, index));
  if (tail.cutBytes > 0)
    out.repaired.push({ events_path: file, from_seq: tail.seq, cut_bytes: tail.cutBytes });
  const lines = packageEventRowsAfter(db, ids.packageId, tail.seq, Number.MAX_SAFE_INTEGER).map((row) =>
    stableJson(toEvent(row)),
  );
  const append = appendUnsynced(file, lines);
  if (lines.length > 0) out.touched.push(ids);
  return append;
}

function byPackage(rows: UnprojectedEvent[]): Map<number, UnprojectedEvent[]> {
  const out = new Map<number, UnprojectedEvent[]>();
  for (const row of rows) {
    const list = out.get(row.work_package_id) ?? [];
    list.push(row);
    out.set(row.work_package_id, list);
  }
  return out;
}

/** One package's lines, written but not yet synced, and the rows they project. */
interface Written {
  file: string;
  append: UnsyncedAppend;
  pending: UnprojectedEvent[];
}

/** Writes every pending package's lines; a package whose file cannot be written is left pending. */
function writePending(db: Db, dataDir: string, out: Projection, written: Written[]): void {
  for (const [packageId, pending] of byPackage(unprojectedEvents(db))) {
    const ids: RunIds = { projectId: pending[0]!.project_id, taskId: pending[0]!.task_id, packageId };
    const file = eventsPath(dataDir, ids);
    try {
      written.push({ file, append: projectPackage(db, dataDir, ids, out), pending });
    } catch (error) {
      out.failed.push({ events_path: file, error: String(error) });
    }
  }
}

/** Makes each written file durable, then marks its rows; a file that cannot be synced keeps its rows pending. */
function syncAndMark(db: Db, written: readonly Written[], at: string, out: Projection): void {
  const markProjected = prepareMarkProjected(db);
  for (const w of written) {
    try {
      w.append.sync();
    } catch (error) {
      out.failed.push({ events_path: w.file, error: String(error) });
      continue;
    }
    markProjected(
      w.pending.map((row) => row.id),
      at,
    );
  }
}

export interface ProjectOptions {
  /** Runs once the new lines are written (readers see them), before they are fsync'd and marked. */
  onVisible?: (touched: RunIds[]) => void;
  /**
   * A catch-up before reading the files: when every pending row already has its line in its
   * file, the process that wrote the lines holds the write lock to sync and mark them, and
   * there is nothing to copy; the catch-up then returns instead of queueing for the lock.
   */
  onlyIfBehind?: boolean;
}

/**
 * Whether every pending row's line is already in its package's file, read without the write
 * lock: a line being written at that moment does not count yet, which only sends the caller to
 * take the lock as before.
 */
function pendingLinesWritten(db: Db, dataDir: string): boolean {
  return unprojectedHighWater(db).every((p) => {
    const ids: RunIds = { projectId: p.project_id, taskId: p.task_id, packageId: p.work_package_id };
    return lastGoodSeq(eventsPath(dataDir, ids), (line, index) => ledgerSeqOf(db, ids, line, index)) >= p.seq;
  });
}

/**
 * Copies committed, not yet projected outbox rows to each package's events.ndjson, then marks
 * them projected. It runs under the ledger's write lock, so two processes never append the same
 * package at once; a crash after the append but before the mark is harmless because the file's
 * last good seq is the high-water mark. A package whose file cannot be written keeps its rows
 * pending (the caller retries) without holding back the other packages.
 *
 * `options.onVisible` runs once every line is written and before the files are fsync'd: readers of the
 * files already see the lines, so waiters are woken without waiting for the disk. The marks follow
 * the fsyncs and are committed without an fsync of their own: a mark lost to a power failure only
 * makes the next projection find its lines already there, and a mark that survives always had its
 * lines synced before it was written.
 */
export function projectPending(
  db: Db,
  dataDir: string,
  now: () => string,
  options: ProjectOptions = {},
): Projection {
  const { onVisible, onlyIfBehind = false } = options;
  const out: Projection = { touched: [], repaired: [], failed: [] };
  // Most calls find nothing to do: check without taking the write lock first.
  if (!hasUnprojectedEvents(db)) return out;
  if (onlyIfBehind && pendingLinesWritten(db, dataDir)) return out;
  return inTransactionUnsynced(db, () => {
    const written: Written[] = [];
    try {
      writePending(db, dataDir, out, written);
      onVisible?.(out.touched);
      syncAndMark(db, written, now(), out);
    } finally {
      for (const w of written) w.append.close();
    }
    return out;
  });
}
