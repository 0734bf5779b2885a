import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import { LEDGER_FILE, migrate, openLedger } from "../../src/ledger/database.js";
import { LEDGER_APPLICATION_ID } from "../../src/ledger/identity.js";
import { LATEST_VERSION } from "../../src/ledger/migrations.js";
import { recordLaunchConfirmed } from "../../src/ledger/tables/continuation-deliveries.js";
import { tempDir } from "../helpers/mcp-client.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function version(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

const FIXTURES = path.resolve(import.meta.dirname, "..", "fixtures");

/**
 * A data dir holding the frozen ledger of schema version `v` (test/fixtures/ledger-v<v>.sql):
 * made once by the migrations as they shipped, never from today's list, so an edit to a shipped
 * migration makes today's upgrade differ from it.
 */
function ledgerAt(v: number): string {
  const dir = tempDir("migrate");
  dirs.push(dir);
  const db = new Database(path.join(dir, LEDGER_FILE));
  db.exec(fs.readFileSync(path.join(FIXTURES, `ledger-v${v}.sql`), "utf8"));
  db.close();
  return dir;
}

interface Contents {
  schema: unknown[];
  rows: Record<string, unknown[]>;
}

/** Everything a ledger holds: each schema object's SQL, and every row of every table in rowid order. */
function contents(db: Database.Database): Contents {
  const schema = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all();
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const rows = Object.fromEntries(
    tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]),
  );
  return { schema, rows };
}

function fixtureContents(v: number): Contents {
  const db = new Database(path.join(ledgerAt(v), LEDGER_FILE), { readonly: true });
  try {
    return contents(db);
  } finally {
    db.close();
  }
}

describe("ledger migrations", () => {
  test("an empty data dir becomes a ledger at the latest version, in WAL mode with foreign keys", () => {
    const dir = tempDir("fresh");
    dirs.push(dir);
    const db = openLedger(dir);
    expect(version(db)).toBe(LATEST_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.close();
  });

  test("today's migrations build exactly the frozen latest ledger (no shipped migration was edited)", () => {
    const latest = fixtureContents(LATEST_VERSION);
    const dir = tempDir("fresh-schema");
    dirs.push(dir);
    const db = openLedger(dir);
    const fresh = contents(db);
    db.close();
    expect(fresh.schema).toEqual(latest.schema);
    // Every table there is, and only those; an empty ledger has rows nowhere but the sequence table.
    expect(Object.keys(fresh.rows)).toEqual(Object.keys(latest.rows));
  });

  test.each(Array.from({ length: LATEST_VERSION - 1 }, (_, i) => i + 1))(
    "the frozen ledger of version %i upgrades to exactly the latest ledger holding the same rows",
    (v) => {
      const old = fixtureContents(v);
      const latest = fixtureContents(LATEST_VERSION);
      const db = openLedger(ledgerAt(v));
      expect(version(db)).toBe(LATEST_VERSION);
      const upgraded = contents(db);
      db.close();
      expect(upgraded.schema).toEqual(latest.schema);
      // The same seed rows at every version: a table that existed at v holds, after the upgrade,
      // exactly what the latest server holds for them (new columns at their defaults); a newer
      // table starts empty.
      for (const [table, rows] of Object.entries(upgraded.rows)) {
        if (table === "sqlite_sequence") continue;
        expect([table, rows]).toEqual([table, table in old.rows ? latest.rows[table] : []]);
      }
    },
  );

  test("a ledger at version 6 gains controller sessions keyed per task and package", () => {
    const db = openLedger(ledgerAt(6));
    expect(version(db)).toBe(LATEST_VERSION);
    const insert = db.prepare(
      `INSERT INTO controller_sessions (task_id, work_package_id, session_id, actor_name, recorded_at)
       VALUES (?, ?, 'thr', 'codex-main', '2026-11-25T00:00:00.000Z')`,
    );
    insert.run(1, 0);
    insert.run(1, 1);
    expect(() => insert.run(1, 1)).toThrow(/UNIQUE/);
    expect(() => insert.run(99, 0)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  test("a ledger at version 7 gains the launch confirmation of a delivery, unset on the deliveries it holds", () => {
    const db = openLedger(ledgerAt(7));
    expect(version(db)).toBe(LATEST_VERSION);
    const read = db
      .prepare("SELECT controller_confirmed_at FROM continuation_deliveries WHERE id = 1")
      .pluck();
    expect(read.get()).toBeNull();
    db.prepare(
      "UPDATE continuation_deliveries SET state = 'CONTROLLER_STARTED', attempt_id = 'att_1' WHERE id = 1",
    ).run();
    expect(recordLaunchConfirmed(db, "cont_0123456789abcdef", "att_other", "2026-11-25T00:00:01.000Z")).toBe(
      false,
    );
    expect(recordLaunchConfirmed(db, "cont_0123456789abcdef", "att_1", "2026-11-25T00:00:01.000Z")).toBe(
      true,
    );
    expect(read.get()).toBe("2026-11-25T00:00:01.000Z");
    db.close();
  });

  test("migrating twice is a no-op", () => {
    const dir = tempDir("twice");
    dirs.push(dir);
    const db = openLedger(dir);
    expect(() => migrate(db)).not.toThrow();
    expect(version(db)).toBe(LATEST_VERSION);
    db.close();
  });

  test("a ledger from a newer server is refused, not downgraded", () => {
    const dir = tempDir("newer");
    dirs.push(dir);
    const raw = new Database(path.join(dir, LEDGER_FILE));
    raw.pragma(`application_id = ${LEDGER_APPLICATION_ID}`);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openLedger(dir)).toThrow(/newer than this server/);
  });

  test("the audit log is append-only", () => {
    const dir = ledgerAt(LATEST_VERSION);
    const db = openLedger(dir);
    expect(() => db.prepare("UPDATE audit_log SET event_type = 'x'").run()).toThrow(
      "audit log is append-only",
    );
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow("audit log is append-only");
    db.close();
  });
});
