import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { OrchestratorError } from "../domain/errors.js";
import { identifyLedger, LEDGER_APPLICATION_ID } from "./identity.js";
import { LATEST_VERSION, MIGRATIONS } from "./migrations.js";
import { prepared } from "./statements.js";

export type Db = Database.Database;

export const LEDGER_FILE = "ledger.sqlite3";

/** Every commit is fsync'd before it returns, unless a caller says otherwise (inTransactionUnsynced). */
const SYNCHRONOUS = "FULL";

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
  // A ledger of ours from before the mark existed gets it once (the caller identified it first).
  if (db.pragma("application_id", { simple: true }) !== LEDGER_APPLICATION_ID) {
    db.transaction(() => db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`)).immediate();
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
      db.pragma(`synchronous = ${SYNCHRONOUS}`);
      db.pragma("foreign_keys = ON");
      migrate(db);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(200, 5 * 2 ** attempt));
    }
  }
}

function removeQuietly(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

/** Errors of a file system without hard links (FAT, some network shares). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "ENOSYS", "EOPNOTSUPP"]);

/**
 * Puts `staging` at `file` only if nothing is there (EEXIST otherwise). A hard link is atomic;
 * where the file system has none, an exclusive copy is the closest: it can be seen half-written
 * by a racing opener, which then refuses instead of taking it for an empty ledger.
 */
function placeExclusively(staging: string, file: string): void {
  try {
    fs.linkSync(staging, file);
  } catch (error) {
    if (!NO_HARD_LINKS.has(String((error as { code?: unknown }).code))) throw error;
    fs.copyFileSync(staging, file, fs.constants.COPYFILE_EXCL);
  }
}

/**
 * A new ledger is built complete (schema, mark, WAL) under a private name and then linked into
 * place, which fails if the name exists. So a ledger of ours is never seen empty, and an empty
 * file at the ledger's path can only be a damaged one. Of two processes creating at once, the
 * second link fails and that process opens the winner's ledger.
 */
function createLedger(file: string): void {
  const staging = `${file}.new-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const db = new Database(staging);
    try {
      db.pragma("journal_mode = WAL");
      migrate(db);
    } finally {
      db.close();
    }
    placeExclusively(staging, file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "EEXIST") throw error;
  } finally {
    removeQuietly(staging);
  }
}

/**
 * Opens the ledger of a data dir, creating it if absent. A file that is not a ledger of ours
 * (another program's database, the predecessor's ledger, an emptied file) is refused before
 * anything is written to it.
 */
export function openLedger(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LEDGER_FILE);
  if (!fs.existsSync(file)) createLedger(file);
  identifyLedger(file);
  const db = new Database(file);
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

/**
 * A BEGIN IMMEDIATE transaction whose commit is not fsync'd (synchronous=NORMAL for this commit
 * only): for bookkeeping that the rest of the ledger and the files can redo after a power loss,
 * never for a change a caller is told is durable. Its pages reach the disk with the next synced
 * commit of any connection (the WAL is one file), so it never overtakes an earlier synced write.
 */
export function inTransactionUnsynced<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return inTransaction(db, fn);
  prepared(db, "PRAGMA synchronous = NORMAL").run();
  try {
    return inTransaction(db, fn);
  } finally {
    prepared(db, `PRAGMA synchronous = ${SYNCHRONOUS}`).run();
  }
}
