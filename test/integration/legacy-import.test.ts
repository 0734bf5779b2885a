import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { stringContaining } from "../helpers/matchers.js";
import { LEDGER_FILE, openLedger } from "../../src/ledger/database.js";
import { LEDGER_APPLICATION_ID } from "../../src/ledger/identity.js";
import type { ImportSummary } from "../../src/service/legacy-import.js";
import { SERVER_ENTRY } from "../helpers/mcp-client.js";
import { scratchDirs } from "../helpers/scratch-dirs.js";
import { buildPredecessorDataDir, predecessorRows } from "../helpers/predecessor-ledger.js";

const dir = scratchDirs();

const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function importCli(...args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_ENTRY, "import-legacy", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function importJson(from: string, to: string): ImportSummary {
  const r = importCli("--from", from, "--data-dir", to, "--json");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ImportSummary;
}

function count(db: Database.Database, table: string): number {
  return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

describe.each([0, 1, 2, 3, 4])("a predecessor data dir at user_version %i", (v) => {
  test("is imported with every row and id, its events in the outbox, runs/ and the cursor kept", () => {
    const root = dir("legacy");
    const old = buildPredecessorDataDir(path.join(root, "old"), v);
    const oldLedger = digest(old.ledger);
    const target = path.join(root, "new");

    const summary = importJson(old.dataDir, target);

    // The old data dir is only read.
    expect(digest(old.ledger)).toBe(oldLedger);
    expect(summary.source_user_version).toBe(v);
    const db = new Database(path.join(target, LEDGER_FILE), { readonly: true });
    expect(db.pragma("application_id", { simple: true })).toBe(LEDGER_APPLICATION_ID);
    const rows = predecessorRows("/legacy/repo");
    for (const [table, n] of Object.entries(old.counts)) {
      if (table === "idempotency_keys") continue;
      expect(summary.mapped[table], table).toBe(n);
      expect(count(db, table), table).toBe(n);
      const ids = (rows[table] ?? []).map((r) => r.id);
      expect(db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all(), table).toEqual(ids);
    }
    // Never silently dropped: the one table with no counterpart is named row by row.
    expect(summary.unmapped).toEqual([
      {
        table: "idempotency_keys",
        row: "idempotency_keys codex-1 (task.create, k1)",
        reason: stringContaining("no counterpart"),
      },
    ]);
    expect(summary.absent_in_source).toEqual(v === 0 ? ["continuation_deliveries"] : []);
    // Timestamps in our one ISO form (ours compares them as strings).
    expect(db.prepare("SELECT created_at FROM tasks").pluck().get()).toBe("2026-01-05T10:00:00.000Z");
    expect(db.prepare("SELECT expires_at FROM role_delegations").pluck().get()).toBe(
      "2099-01-01T00:00:00.000Z",
    );
    // Runtimes as the predecessor stored them, not folded (its agents table has them from version 4).
    if (v >= 4)
      expect(db.prepare("SELECT runtime FROM agents ORDER BY id").pluck().all()).toEqual([
        "codex",
        "mimo-cli",
        "mimo_tui",
        "google/antigravity",
      ]);
    // Events: in file order, seq from 1, already projected, identities the supervisor would give.
    const events = db
      .prepare("SELECT event_id, seq, type, projected_at FROM handoff_events ORDER BY seq")
      .all() as { event_id: string; seq: number; type: string; projected_at: string | null }[];
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, "WORKER_STARTED"],
      [2, "WORKER_READY_FOR_REVIEW"],
      [3, "CONTROLLER_REWORK_REQUESTED"],
    ]);
    expect(events[0]!.event_id).toMatch(/^legacy_evt_[0-9a-f]{16}$/);
    expect(events[1]!.event_id).toBe("evt_00000000000000000000000000000001");
    expect(events.every((e) => e.projected_at !== null)).toBe(true);
    db.close();
    // The runs tree and the cursor come along byte for byte.
    const copied = path.join(target, path.relative(old.dataDir, old.eventsFile));
    expect(digest(copied)).toBe(digest(old.eventsFile));
    expect(digest(path.join(target, "host-continuation", "cursor.json"))).toBe(digest(old.cursorFile));
    expect(
      fs.existsSync(
        path.join(target, "runs", "project-3", "task-7", "package-5", "handoff", "WP-5.report.md"),
      ),
    ).toBe(true);
    expect(summary.copied).toEqual(["runs/ (2 files)", "host-continuation/cursor.json"]);
    // And the result opens as our ledger.
    openLedger(target).close();
  });
});

describe("what cannot be mapped is named, and the rest goes in", () => {
  test("a package of a missing task, a bad event line and an unknown table are each reported", () => {
    const root = dir("legacy-bad");
    const old = buildPredecessorDataDir(path.join(root, "old"), 4);
    const raw = new Database(old.ledger);
    raw.pragma("foreign_keys = OFF");
    raw
      .prepare(
        `INSERT INTO work_packages (id, task_id, title, objective, allowed_files_json, forbidden_files_json, base_commit, status, created_at, updated_at)
         VALUES (99, 404, 'orphan', 'o', '[]', '[]', 'c', 'CREATED', 't', 't')`,
      )
      .run();
    raw.exec(
      "CREATE TABLE plugin_notes (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO plugin_notes VALUES (1, 'n');",
    );
    raw.close();
    fs.appendFileSync(
      old.eventsFile,
      '{not json\n\n{"type":"WORKER_TELEPORTED","worker":"w"}\n{"type":"WORKER_DO',
    );
    const r = importCli("--from", old.dataDir, "--data-dir", path.join(root, "new"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("work_packages #99 (orphan): FOREIGN KEY constraint failed");
    expect(r.stdout).toContain("plugin_notes: 1 row(s) not imported");
    expect(r.stdout).toContain("runs/project-3/task-7/package-5/events.ndjson:4: not valid JSON");
    expect(r.stdout).toContain("events.ndjson:6: unsupported event type 'WORKER_TELEPORTED'");
    expect(r.stdout).toContain("events.ndjson:7: torn last line (no end of line)");
    expect(r.stdout).toContain("idempotency_keys codex-1 (task.create, k1)");
    expect(r.stdout).toMatch(/work_packages\s+1\n/);
    expect(r.stdout).toMatch(/handoff_events\s+3\n/);
    expect(r.stdout).toContain("Not mapped (6 rows):");
  });
});

describe("refusals leave both data dirs as they were", () => {
  test("a target that already has data is refused", () => {
    const root = dir("legacy-full");
    const old = buildPredecessorDataDir(path.join(root, "old"), 4);
    const target = path.join(root, "new");
    expect(importCli("--from", old.dataDir, "--data-dir", target).code).toBe(0);
    const before = digest(path.join(target, LEDGER_FILE));
    expect(importCli("--from", old.dataDir, "--data-dir", target).stderr).toContain(
      "The target data dir already has runs",
    );
    // Even without the copied files, the ledger's own rows make the target not new.
    fs.rmSync(path.join(target, "runs"), { recursive: true });
    fs.rmSync(path.join(target, "host-continuation"), { recursive: true });
    const again = importCli("--from", old.dataDir, "--data-dir", target);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /import-legacy refused: The target ledger .*new\/ledger\.sqlite3 already has data \(tables: projects/,
    );
    expect(digest(path.join(target, LEDGER_FILE))).toBe(before);
  });

  test("a target with a runs tree but no ledger is refused, and no ledger rows are written", () => {
    const root = dir("legacy-runs");
    const old = buildPredecessorDataDir(path.join(root, "old"), 4);
    const target = path.join(root, "new");
    fs.mkdirSync(path.join(target, "runs"), { recursive: true });
    const r = importCli("--from", old.dataDir, "--data-dir", target);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The target data dir already has runs");
    expect(fs.readdirSync(target)).toEqual(["runs"]);
  });

  test("a source that is already our ledger, or no ledger, or the same dir, is refused", () => {
    const ours = dir("legacy-ours");
    openLedger(ours).close();
    const r1 = importCli("--from", ours, "--data-dir", dir("legacy-t1"));
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain("is already a grace-orchestrator-mcp ledger");
    const r2 = importCli("--from", dir("legacy-none"), "--data-dir", dir("legacy-t2"));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/No ledger to import: .*ledger\.sqlite3 does not exist/);
    const r3 = importCli("--from", ours, "--data-dir", ours);
    expect(r3.stderr).toContain("are the same directory");
    const r4 = importCli("--from", ours);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toContain("--from and --data-dir are both required");
  });
});
