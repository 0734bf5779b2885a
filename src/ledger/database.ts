import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { OrchestratorError } from "../domain/errors.js";
import { LATEST_VERSION, MIGRATIONS } from "./migrations.js";

export type Db = Database.Database;

export const LEDGER_FILE = "ledger.sqlite3";

/** Long enough that two busy server processes queue for the write lock instead of failing. */
const BUSY_TIMEOUT_MS = 15_000;

export function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new OrchestratorError(
      `Ledger schema version ${current} is newer than this server (${LATEST_VERSION}); upgrade grace-orchestrator-mcp.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    // user_version is set inside the same IMMEDIATE transaction, so two processes opening a
    // fresh ledger at once cannot both apply a migration.
    db.transaction(() => {
      const now = db.pragma("user_version", { simple: true }) as number;
      if (now >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

/**
 * Switching a brand-new file to WAL needs a moment of exclusive access, which SQLite does not
 * queue for with the busy timeout: two processes opening a fresh ledger at the same instant can
 * see "database is locked" here. The set-up is idempotent, so it is simply tried again.
 */
function prepare(db: Db): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      db.pragma("journal_mode = WAL");
      // FULL: a committed handoff must survive power loss, not only a process crash.
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      migrate(db);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(200, 5 * 2 ** attempt));
    }
  }
}

export function openLedger(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, LEDGER_FILE));
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  try {
    prepare(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** One BEGIN IMMEDIATE transaction: the write lock is taken up front, so no upgrade deadlock. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
