import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { LEDGER_FILE, openLedger } from "../../src/ledger/database.js";
import { LEDGER_APPLICATION_ID } from "../../src/ledger/identity.js";
import { LATEST_VERSION, MIGRATIONS } from "../../src/ledger/migrations.js";
import { REPO_ROOT, SERVER_ENTRY } from "../helpers/mcp-client.js";
import { scratchDirs } from "../helpers/scratch-dirs.js";
import { buildPredecessorDataDir } from "../helpers/predecessor-ledger.js";

const SUPERVISOR = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");
const STATUS = path.join(REPO_ROOT, "dist", "src", "cli", "status.js");

const dir = scratchDirs();

/** The ledger and anything named after it, except SQLite's own -wal/-shm companions. */
const ledgerFiles = (d: string) =>
  fs.readdirSync(d).filter((f) => f.startsWith(LEDGER_FILE) && !/-(wal|shm)$/.test(f));

const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Our latest schema and user_version, with one change made by hand. */
function ourSchemaAnd(dataDir: string, change: string): void {
  const db = new Database(path.join(dataDir, LEDGER_FILE));
  for (const m of MIGRATIONS) db.exec(m.sql);
  db.exec(change);
  db.pragma(`user_version = ${LATEST_VERSION}`);
  db.close();
}

/** Each way a file at the ledger's path can fail to be ours, built in a fresh data dir. */
const FOREIGN: Record<string, { build: (dataDir: string) => void; says: RegExp }> = {
  "a file truncated to 0 bytes": {
    build: (d) => fs.writeFileSync(path.join(d, LEDGER_FILE), ""),
    says: /is empty but was not created by grace-orchestrator-mcp.*Restore it from a backup, or delete it/,
  },
  "an SQLite file with no tables and no mark": {
    build: (d) => {
      const db = new Database(path.join(d, LEDGER_FILE));
      db.pragma("user_version = 0");
      db.exec("CREATE TABLE t (x); DROP TABLE t;");
      db.close();
    },
    says: /is empty but was not created by grace-orchestrator-mcp/,
  },
  "a file that is not SQLite": {
    build: (d) =>
      fs.writeFileSync(path.join(d, LEDGER_FILE), "not a database at all, just text\n".repeat(200)),
    says: /is not an SQLite database/,
  },
  "another program's database": {
    build: (d) => {
      const db = new Database(path.join(d, LEDGER_FILE));
      db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x');");
      db.close();
    },
    says: /is not a grace-orchestrator-mcp ledger \(application_id 0, user_version 0, tables: notes\)/,
  },
  "a database marked by another application": {
    build: (d) => ourSchemaAnd(d, "PRAGMA application_id = 1234"),
    says: /is not a grace-orchestrator-mcp ledger \(application_id 1234/,
  },
  "a ledger of ours with a table added by hand and no mark": {
    build: (d) => ourSchemaAnd(d, "CREATE TABLE extra (x)"),
    says: /is not a grace-orchestrator-mcp ledger/,
  },
  ...Object.fromEntries(
    [0, 1, 2, 3, 4].map((v) => [
      `the predecessor's ledger at user_version ${v}`,
      {
        build: (d: string) => void buildPredecessorDataDir(d, v),
        says: new RegExp(
          `was written by the Python grace-orchestrator \\(its user_version ${v}\\).*grace-orchestrator-mcp import-legacy --from`,
        ),
      },
    ]),
  ),
};

function run(entry: string, args: string[], dataDir: string, timeout = 20_000) {
  return spawnSync(process.execPath, [entry, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: "codex-1",
      GRACE_ORCHESTRATOR_ACTOR_ROLE: "codex",
      GRACE_LOG_LEVEL: "warn",
      // --once refuses to run without a launch command; the ledger check must be what stops it.
      GRACE_CODEX_START_COMMAND: "codex exec {prompt_file}",
    },
    input: "",
    encoding: "utf8",
    timeout,
  });
}

/** Every program that opens the ledger, started as a user starts it. */
const OPENERS: Record<string, (dataDir: string) => { code: number | null; stderr: string }> = {
  "openLedger (in process)": (d) => {
    try {
      openLedger(d).close();
      return { code: 0, stderr: "" };
    } catch (error) {
      return { code: 1, stderr: (error as Error).message };
    }
  },
  "the MCP server": (d) => {
    const r = run(SERVER_ENTRY, [], d);
    return { code: r.status, stderr: r.stderr };
  },
  "the supervisor --once": (d) => {
    const r = run(SUPERVISOR, ["--once"], d);
    return { code: r.status, stderr: r.stderr };
  },
  "the supervisor, long-running (stops instead of retrying forever)": (d) => {
    const r = run(SUPERVISOR, ["--poll-interval-seconds", "0.2"], d);
    return { code: r.status, stderr: r.stderr };
  },
  "grace-status (read-only)": (d) => {
    const r = run(STATUS, ["--data-dir", d, "--json"], d);
    return { code: r.status, stderr: r.stderr };
  },
};

describe("a file at the ledger's path that is not ours is refused and left byte-identical", () => {
  for (const [kind, { build, says }] of Object.entries(FOREIGN)) {
    test.each(Object.keys(OPENERS))(`${kind}: %s`, (opener) => {
      const d = dir("foreign");
      build(d);
      const file = path.join(d, LEDGER_FILE);
      const before = digest(file);
      const r = OPENERS[opener]!(d);
      expect(r.code).not.toBe(0);
      expect(r.code).not.toBeNull();
      expect(r.stderr).toMatch(says);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain("Nothing was written to it");
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(digest(file)).toBe(before);
      // No second ledger beside it, no staging file left behind.
      expect(ledgerFiles(d)).toEqual([LEDGER_FILE]);
    });
  }
});

describe("ledgers of ours", () => {
  test("a new ledger carries our application id and leaves no staging file", () => {
    const d = dir("mark");
    openLedger(d).close();
    const db = new Database(path.join(d, LEDGER_FILE), { readonly: true });
    expect(db.pragma("application_id", { simple: true })).toBe(LEDGER_APPLICATION_ID);
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
    db.close();
    expect(fs.readdirSync(d).filter((f) => f.includes(".new-"))).toEqual([]);
    // And it opens again as ours.
    openLedger(d).close();
  });

  test.each(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1))(
    "an unmarked ledger of ours at user_version %i is recognised, migrated and marked",
    (v) => {
      const d = dir("unmarked");
      const raw = new Database(path.join(d, LEDGER_FILE));
      for (const m of MIGRATIONS.slice(0, v)) raw.exec(m.sql);
      raw.pragma(`user_version = ${v}`);
      raw.prepare(`INSERT INTO projects VALUES (1, 'p', '/r', '/r', 'main', '{}', 'now', 'now')`).run();
      raw.close();
      const db = openLedger(d);
      expect(db.pragma("application_id", { simple: true })).toBe(LEDGER_APPLICATION_ID);
      expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
      expect(db.prepare("SELECT name FROM projects").pluck().all()).toEqual(["p"]);
      db.close();
    },
  );
});
