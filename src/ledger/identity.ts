import fs from "node:fs";
import Database from "better-sqlite3";
import { OrchestratorError } from "../domain/errors.js";
import { MIGRATIONS } from "./migrations.js";

/** A file at the ledger's path that is not a ledger of ours; it was left untouched. */
export class LedgerRefusedError extends OrchestratorError {
  override readonly name = "LedgerRefusedError";
}

/** `PRAGMA application_id` of every ledger this server creates: "GOMC" in ASCII. */
export const LEDGER_APPLICATION_ID = 0x474f4d43;

/**
 * What a file at the ledger's path turned out to be. `ours` carries our application id;
 * `ours-unmarked` was written by a server of ours from before the id existed (recognised by
 * exactly our table and column set at its user_version, see docs/decisions.md).
 */
export type LedgerKind = "ours" | "ours-unmarked";

export interface LedgerIdentity {
  kind: LedgerKind;
  userVersion: number;
}

/** Table name → sorted column names, one entry per user table. */
type Shape = Map<string, string>;

function shapeOf(db: Database.Database): Shape {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const shape: Shape = new Map();
  for (const table of tables) {
    const columns = db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(table) as string[];
    shape.set(table, columns.sort().join(","));
  }
  return shape;
}

const shapes = new Map<number, Shape>();

/** The shape our migrations give a ledger at `version`, built once in memory. */
function shapeAt(version: number): Shape {
  let shape = shapes.get(version);
  if (!shape) {
    const db = new Database(":memory:");
    for (const m of MIGRATIONS.slice(0, version)) db.exec(m.sql);
    shape = shapeOf(db);
    db.close();
    shapes.set(version, shape);
  }
  return shape;
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.size !== b.size) return false;
  for (const [table, columns] of a) if (b.get(table) !== columns) return false;
  return true;
}

interface Seen {
  applicationId: number;
  userVersion: number;
  shape: Shape;
}

const NOTHING_WRITTEN = "Nothing was written to it.";

/** The predecessor (the Python server) kept the same file name and these tables. */
function looksLikePredecessor(shape: Shape): boolean {
  return shape.has("projects") && shape.has("tasks") && !shape.has("handoff_events");
}

function refuseForeign(file: string, seen: Seen): LedgerRefusedError {
  if (looksLikePredecessor(seen.shape)) {
    return new LedgerRefusedError(
      `The ledger ${file} was written by the Python grace-orchestrator (its user_version ${seen.userVersion}), ` +
        `not by grace-orchestrator-mcp, so it is not opened. Import it into a new data dir with ` +
        `\`grace-orchestrator-mcp import-legacy --from <its data dir> --data-dir <new data dir>\` and point ` +
        `GRACE_ORCHESTRATOR_DATA_DIR at the new one. ${NOTHING_WRITTEN}`,
    );
  }
  const tables = [...seen.shape.keys()].slice(0, 8).join(", ") || "none";
  return new LedgerRefusedError(
    `The file ${file} is not a grace-orchestrator-mcp ledger (application_id ${seen.applicationId}, ` +
      `user_version ${seen.userVersion}, tables: ${tables}). Point GRACE_ORCHESTRATOR_DATA_DIR at the ` +
      `orchestrator's own data dir, or move this file away. ${NOTHING_WRITTEN}`,
  );
}

function refuseEmpty(file: string): LedgerRefusedError {
  return new LedgerRefusedError(
    `The ledger ${file} is empty but was not created by grace-orchestrator-mcp (a ledger is never empty ` +
      `once created): it may have been truncated. Restore it from a backup, or delete it to start with an ` +
      `empty ledger. ${NOTHING_WRITTEN}`,
  );
}

function readHeader(file: string): Seen {
  // Read-only: a read-only connection never checkpoints a WAL into the file on close.
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 15_000 });
  try {
    const applicationId = db.pragma("application_id", { simple: true }) as number;
    return {
      applicationId,
      userVersion: db.pragma("user_version", { simple: true }) as number,
      // A marked ledger needs no shape check: the common open stays two pragma reads.
      shape: applicationId === LEDGER_APPLICATION_ID ? new Map<string, string>() : shapeOf(db),
    };
  } finally {
    db.close();
  }
}

/**
 * Decides, without writing anything, whether the file at the ledger's path is a ledger of
 * ours. Anything else is refused with a message naming the file and what to do.
 */
export function identifyLedger(file: string): LedgerIdentity {
  if (fs.statSync(file).size === 0) throw refuseEmpty(file);
  let seen;
  try {
    seen = readHeader(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "SQLITE_NOTADB" && code !== "SQLITE_CORRUPT") throw error;
    throw new LedgerRefusedError(
      `The file ${file} is not an SQLite database (${(error as Error).message}): it is not a ` +
        `grace-orchestrator-mcp ledger. Restore the ledger from a backup or move this file away. ${NOTHING_WRITTEN}`,
    );
  }
  if (seen.applicationId === LEDGER_APPLICATION_ID) return { kind: "ours", userVersion: seen.userVersion };
  if (seen.applicationId !== 0) throw refuseForeign(file, seen);
  if (seen.shape.size === 0) throw refuseEmpty(file);
  if (seen.userVersion >= 1 && seen.userVersion <= MIGRATIONS.length) {
    if (sameShape(seen.shape, shapeAt(seen.userVersion)))
      return { kind: "ours-unmarked", userVersion: seen.userVersion };
  }
  throw refuseForeign(file, seen);
}
