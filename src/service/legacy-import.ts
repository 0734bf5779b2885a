import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { OrchestratorError } from "../domain/errors.js";
import { inTransaction, LEDGER_FILE, openLedger, type Db } from "../ledger/database.js";
import { LEDGER_APPLICATION_ID } from "../ledger/identity.js";
import {
  columnsOf,
  LEGACY_TABLES,
  mapRow,
  rowName,
  tablesOf,
  UNMAPPED_TABLES,
  type LegacyTable,
} from "../ledger/legacy-tables.js";
import { readLegacyEvents } from "./legacy-events.js";

export interface UnmappedRow {
  table: string;
  row: string;
  reason: string;
}

export interface ImportSummary {
  source: string;
  target: string;
  source_user_version: number;
  /** Rows written per table of ours (handoff_events from the runs tree). */
  mapped: Record<string, number>;
  /** Tables our schema has that the source's version did not have yet. */
  absent_in_source: string[];
  /** Every row that was not imported, named, with why. */
  unmapped: UnmappedRow[];
  /** Source columns ours lacks, with how many non-null values they held. */
  dropped_columns: { table: string; column: string; values: number }[];
  events_files: number;
  copied: string[];
  /** Entries of the old data dir left where they are (recorded paths still point there). */
  left_in_source: string[];
}

const HOST_DIR = "host-continuation";
const CURSOR = path.join(HOST_DIR, "cursor.json");

function refuse(message: string): never {
  throw new OrchestratorError(message);
}

/** Read-only: the old ledger is never written, and a WAL is never checkpointed into it. */
function openSource(fromDir: string): Db {
  const file = path.join(fromDir, LEDGER_FILE);
  if (!fs.existsSync(file))
    refuse(`No ledger to import: ${file} does not exist. Pass the old data dir as --from.`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (db.pragma("application_id", { simple: true }) === LEDGER_APPLICATION_ID)
      refuse(
        `${file} is already a grace-orchestrator-mcp ledger: use its data dir as it is, nothing to import.`,
      );
    if (!tablesOf(db).has("projects"))
      refuse(`${file} is not the Python grace-orchestrator's ledger (it has no projects table).`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Checked before the target ledger is created, so a refused import leaves no new ledger behind. */
function requireNoTargetFiles(dataDir: string): void {
  for (const entry of ["runs", CURSOR]) {
    if (fs.existsSync(path.join(dataDir, entry)))
      refuse(`The target data dir already has ${entry}: import-legacy only writes into a new data dir.`);
  }
}

function requireEmptyTarget(target: Db, dataDir: string): void {
  const used = [...tablesOf(target)].filter((t) => target.prepare(`SELECT 1 FROM "${t}" LIMIT 1`).get());
  if (used.length > 0)
    refuse(
      `The target ledger ${path.join(dataDir, LEDGER_FILE)} already has data (tables: ${used.join(", ")}): ` +
        "import-legacy only writes into a new data dir. Pass an empty --data-dir.",
    );
}

function copyTable(source: Db, target: Db, spec: LegacyTable, summary: ImportSummary): void {
  const ours = columnsOf(target, spec.table);
  const theirs = columnsOf(source, spec.table);
  const shared = theirs.filter((c) => ours.includes(c));
  for (const column of theirs.filter((c) => !ours.includes(c))) {
    const values = source
      .prepare(`SELECT COUNT(*) FROM "${spec.table}" WHERE "${column}" IS NOT NULL`)
      .pluck()
      .get() as number;
    summary.dropped_columns.push({ table: spec.table, column, values });
  }
  const insert = target.prepare(
    `INSERT INTO ${spec.table} (${shared.join(", ")}) VALUES (${shared.map(() => "?").join(", ")})`,
  );
  let count = 0;
  for (const row of source.prepare(`SELECT * FROM "${spec.table}" ORDER BY rowid`).iterate()) {
    const values = row as Record<string, unknown>;
    try {
      insert.run(mapRow(spec, shared, values));
      count += 1;
    } catch (error) {
      // A single statement fails alone in SQLite: the row is reported, the import goes on.
      summary.unmapped.push({
        table: spec.table,
        row: rowName(spec.table, spec.key, values),
        reason: (error as Error).message,
      });
    }
  }
  summary.mapped[spec.table] = count;
}

function copyUnmappedTables(source: Db, summary: ImportSummary): void {
  const known = new Set(LEGACY_TABLES.map((t) => t.table));
  for (const table of [...tablesOf(source)].filter((t) => !known.has(t)).sort()) {
    const reason = UNMAPPED_TABLES[table] ?? "no counterpart in grace-orchestrator-mcp's ledger";
    const key = columnsOf(source, table).slice(0, 3);
    for (const row of source.prepare(`SELECT * FROM "${table}"`).iterate())
      summary.unmapped.push({ table, row: rowName(table, key, row as Record<string, unknown>), reason });
  }
}

function importEvents(target: Db, fromDir: string, now: string, summary: ImportSummary): void {
  const read = readLegacyEvents(fromDir, now);
  summary.events_files = read.files;
  for (const u of read.unmapped)
    summary.unmapped.push({ table: "handoff_events", row: u.where, reason: u.reason });
  const nextSeq = target.prepare(
    "SELECT COALESCE(MAX(seq), 0) + 1 FROM handoff_events WHERE work_package_id = ?",
  );
  const insert = target.prepare(
    `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at, projected_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let count = 0;
  for (const e of read.events) {
    try {
      const seq = nextSeq.pluck().get(e.packageId) as number;
      insert.run(
        e.eventId,
        e.projectId,
        e.taskId,
        e.packageId,
        seq,
        e.type,
        e.worker,
        e.payloadJson,
        e.createdAt,
        now,
      );
      count += 1;
    } catch (error) {
      summary.unmapped.push({ table: "handoff_events", row: e.where, reason: (error as Error).message });
    }
  }
  summary.mapped.handoff_events = count;
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

/** The runs tree and the supervisor's cursor come along unchanged, so no event is seen twice. */
function copyFiles(fromDir: string, dataDir: string, summary: ImportSummary): void {
  const runs = path.join(fromDir, "runs");
  if (fs.existsSync(runs)) {
    fs.cpSync(runs, path.join(dataDir, "runs"), { recursive: true, errorOnExist: true, force: false });
    summary.copied.push(`runs/ (${countFiles(runs)} files)`);
  }
  if (fs.existsSync(path.join(fromDir, CURSOR))) {
    fs.mkdirSync(path.join(dataDir, HOST_DIR), { recursive: true });
    fs.copyFileSync(path.join(fromDir, CURSOR), path.join(dataDir, CURSOR), fs.constants.COPYFILE_EXCL);
    summary.copied.push("host-continuation/cursor.json");
  }
  const taken = new Set(["runs", LEDGER_FILE, `${LEDGER_FILE}-wal`, `${LEDGER_FILE}-shm`]);
  summary.left_in_source = fs
    .readdirSync(fromDir)
    .filter((e) => !taken.has(e))
    .sort();
}

function removeCopies(dataDir: string): void {
  fs.rmSync(path.join(dataDir, "runs"), { recursive: true, force: true });
  fs.rmSync(path.join(dataDir, CURSOR), { force: true });
}

function emptySummary(fromDir: string, dataDir: string, source: Db): ImportSummary {
  const present = tablesOf(source);
  return {
    source: path.join(fromDir, LEDGER_FILE),
    target: path.join(dataDir, LEDGER_FILE),
    source_user_version: source.pragma("user_version", { simple: true }) as number,
    mapped: {},
    absent_in_source: LEGACY_TABLES.map((t) => t.table).filter((t) => !present.has(t)),
    unmapped: [],
    dropped_columns: [],
    events_files: 0,
    copied: [],
    left_in_source: [],
  };
}

/**
 * Imports the predecessor's data dir `fromDir` into the new data dir `dataDir`: every table in
 * one transaction with its ids, the runs tree's events into the outbox (already projected), and
 * the runs tree and cursor copied. Nothing is dropped silently: what does not map is listed.
 */
export function importLegacy(
  fromDir: string,
  dataDir: string,
  now = new Date().toISOString(),
): ImportSummary {
  const from = path.resolve(fromDir);
  const to = path.resolve(dataDir);
  if (from === to) refuse("--from and --data-dir are the same directory: import into a new data dir.");
  const source = openSource(from);
  try {
    requireNoTargetFiles(to);
    const target = openLedger(to);
    try {
      requireEmptyTarget(target, to);
      const summary = emptySummary(from, to, source);
      const present = tablesOf(source);
      try {
        inTransaction(target, () => {
          for (const spec of LEGACY_TABLES.filter((t) => present.has(t.table)))
            copyTable(source, target, spec, summary);
          copyUnmappedTables(source, summary);
          importEvents(target, from, now, summary);
          copyFiles(from, to, summary);
        });
      } catch (error) {
        removeCopies(to);
        throw error;
      }
      return summary;
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}
