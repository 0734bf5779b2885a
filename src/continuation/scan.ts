import fs from "node:fs";
import path from "node:path";
import { LEDGER_FILE, openLedger, type Db } from "../ledger/database.js";
import { CursorCache, type CursorEntry } from "./cursor.js";
import { dueDeliveries } from "../ledger/tables/continuation-deliveries.js";
import { enqueueDeliveries, type NewDelivery } from "./deliveries.js";
import { dispatchDelivery, type DeliveryResult, type DispatchEnv } from "./dispatch.js";
import { listEventsFiles, parseEventLine, readNewLines, unchanged } from "./events-files.js";
import { continuationId, eventIdentity } from "./ids.js";
import { recoverLeases, type RecoveryEntry } from "./lease-recovery.js";
import { TRIGGER_EVENT_TYPES } from "./limits.js";

export interface ScanSummary {
  status: "ok";
  data_dir: string;
  enqueued_count: number;
  ignored_count: number;
  invalid_lines: { events_path: string; line: number }[];
  recovered: RecoveryEntry[];
  delivery_results: DeliveryResult[];
  processed: DeliveryResult[];
  processed_count: number;
  locked: DeliveryResult[];
  locked_count: number;
  /** True when due work was left for an immediate next scan (batch full, or a run was busy). */
  more: boolean;
}

interface Phase1 {
  deliveries: NewDelivery[];
  cursorUpdates: Record<string, CursorEntry>;
  ignored: number;
  invalid: { events_path: string; line: number }[];
}

/** Phase 1, reading only: new complete lines of every changed events file. */
function readNewTriggers(dataDir: string, cursorFile: string, cache: CursorCache, nowIso: string): Phase1 {
  const cursor = cache.load(cursorFile);
  const out: Phase1 = { deliveries: [], cursorUpdates: {}, ignored: 0, invalid: [] };
  for (const file of listEventsFiles(dataDir)) {
    const entry = cursor.events[file.key];
    if (unchanged(file, entry)) continue;
    const { lines, startLine, startOffset } = readNewLines(file, entry);
    let lineCount = startLine;
    let offset = startOffset;
    for (const line of lines) {
      lineCount = line.index;
      offset = line.end;
      const parsed = parseEventLine(line.text);
      if (parsed.kind === "blank") continue;
      if (parsed.kind === "invalid") {
        // Reported and skipped, never fatal; the cursor moves past it, so a corrupt line never stalls a run.
        out.invalid.push({ events_path: file.key, line: line.index });
        out.ignored += 1;
        continue;
      }
      const type = parsed.event.type;
      if (typeof type !== "string" || !TRIGGER_EVENT_TYPES.has(type)) {
        out.ignored += 1;
        continue;
      }
      const sourceEventId = eventIdentity(file.runId, line.index, parsed.event);
      out.deliveries.push({
        continuationId: continuationId(file.runId, sourceEventId),
        runId: file.runId,
        sourceEventId,
      });
    }
    if (
      entry &&
      entry.line_count === lineCount &&
      entry.byte_offset === offset &&
      entry.size === file.size &&
      entry.mtime_ms === file.mtimeMs
    ) {
      continue;
    }
    out.cursorUpdates[file.key] = {
      line_count: lineCount,
      updated_at: nowIso,
      byte_offset: offset,
      size: file.size,
      mtime_ms: file.mtimeMs,
    };
  }
  return out;
}

export interface ScanEnv extends Omit<DispatchEnv, "db"> {
  /** The open ledger, or null to open it on first need (a data dir with no ledger and no events stays untouched). */
  db: Db | null;
  /** The long-running supervisor passes one so unchanged cursors are not re-parsed. */
  cursorCache?: CursorCache;
}

/**
 * One scan. Phase 1 enqueues a delivery per new trigger event (idempotent on
 * (run, source event)) and only then moves the cursor; phase 2 recovers leases and dispatches
 * what is due, at most one delivery per run at a time, runs in parallel.
 */
export async function scanOnce(env: ScanEnv): Promise<{ summary: ScanSummary; db: Db | null }> {
  const dataDir = env.paths.dataDir;
  const nowIso = env.clock().toISOString();
  const cache = env.cursorCache ?? new CursorCache();
  const phase1 = readNewTriggers(dataDir, env.paths.cursorFile, cache, nowIso);
  let db = env.db;
  const summary: ScanSummary = {
    status: "ok",
    data_dir: dataDir,
    enqueued_count: 0,
    ignored_count: phase1.ignored,
    invalid_lines: phase1.invalid,
    recovered: [],
    delivery_results: [],
    processed: [],
    processed_count: 0,
    locked: [],
    locked_count: 0,
    more: false,
  };
  if (db === null && (phase1.deliveries.length > 0 || fs.existsSync(path.join(dataDir, LEDGER_FILE)))) {
    db = openLedger(dataDir);
  }
  if (db !== null) summary.enqueued_count = enqueueDeliveries(db, phase1.deliveries, nowIso);
  if (Object.keys(phase1.cursorUpdates).length > 0) {
    cache.save(env.paths.cursorFile, { version: 1, events: phase1.cursorUpdates });
  }
  if (db === null) return { summary, db };

  const dispatchEnv: DispatchEnv = { ...env, db };
  summary.recovered = await recoverLeases(db, env.clock().getTime(), {
    self: env.self,
    limits: env.limits,
    probe: env.probe,
    launchesDir: env.paths.launchesDir,
  });
  const due = dueDeliveries(db, env.clock().toISOString(), env.limits.deliveriesPerScan);
  const perRun = new Map<string, (typeof due)[number]>();
  for (const row of due) if (!perRun.has(row.run_id)) perRun.set(row.run_id, row);
  summary.delivery_results = await Promise.all(
    [...perRun.values()].map((row) => dispatchDelivery(dispatchEnv, row)),
  );
  summary.processed = summary.delivery_results.filter(
    (r) => r.status === "started" || r.status === "retry_scheduled",
  );
  summary.processed_count = summary.processed.length;
  summary.locked = summary.delivery_results.filter((r) => r.status === "locked");
  summary.locked_count = summary.locked.length;
  summary.more =
    due.length >= env.limits.deliveriesPerScan || perRun.size < due.length || summary.locked_count > 0;
  return { summary, db };
}
