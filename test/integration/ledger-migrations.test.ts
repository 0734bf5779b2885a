import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import { LEDGER_FILE, migrate, openLedger } from "../../src/ledger/database.js";
import { LEDGER_APPLICATION_ID } from "../../src/ledger/identity.js";
import { LATEST_VERSION, MIGRATIONS } from "../../src/ledger/migrations.js";
import { tempDir } from "../helpers/mcp-client.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function version(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Builds a ledger exactly as a server at `v` left it, with one row in every table that existed then. */
function ledgerAt(v: number): string {
  const dir = tempDir("migrate");
  dirs.push(dir);
  const db = new Database(path.join(dir, LEDGER_FILE));
  for (const m of MIGRATIONS.slice(0, v)) db.exec(m.sql);
  db.pragma(`user_version = ${v}`);
  const now = "2026-11-25T00:00:00.000Z";
  if (v >= 1) {
    db.prepare(`INSERT INTO projects VALUES (1, 'p', '/r', '/r', 'main', '{}', ?, ?)`).run(now, now);
    db.prepare(
      `INSERT INTO tasks (id, project_id, created_by_role, title, objective, architecture_intent, constraints_json, non_goals_json,
        acceptance_criteria_json, allowed_files_json, forbidden_files_json, status, created_at, updated_at)
       VALUES (1, 1, 'codex', 't', 'o', 'a', '[]', '[]', '[]', '["src/**"]', '[]', 'CODEX_TASK_CREATED', ?, ?)`,
    ).run(now, now);
    db.prepare(
      `INSERT INTO audit_log (event_type, actor_role, effective_role, actor_agent, target_type, target_id, payload_json, created_at)
       VALUES ('task.codex_created', 'codex', 'codex', 'c', 'task', 1, '{}', ?)`,
    ).run(now);
    db.prepare(
      `INSERT INTO agents (project_id, name, primary_role, capabilities_json, availability, updated_at)
       VALUES (1, 'glm-1', 'glm', '["glm"]', 'available', ?)`,
    ).run(now);
    db.prepare(
      `INSERT INTO role_delegations (project_id, task_id, unavailable_role, substitute_actor, delegated_role, reason, expires_at, created_by_actor, created_at)
       VALUES (1, 1, 'glm', 'owner-1', 'glm', 'away', '2099-01-01T00:00:00.000Z', 'c', ?)`,
    ).run(now);
  }
  if (v >= 2) {
    db.prepare(
      `INSERT INTO work_packages (id, task_id, title, objective, allowed_files_json, forbidden_files_json, base_commit, status, created_at, updated_at)
       VALUES (1, 1, 'wp', 'o', '["src/**"]', '[]', 'abc', 'CREATED', ?, ?)`,
    ).run(now, now);
  }
  if (v >= 4) {
    db.prepare(
      `INSERT INTO mimo_sessions (project_id, task_id, work_package_id, requested_by_agent, assigned_agent, assigned_role, mode, lifecycle_state, created_at)
       VALUES (1, 1, 1, 'glm-1', 'junior-1', 'worker_junior', 'tui', 'TUI_DETACHED', ?)`,
    ).run(now);
    db.prepare(
      `INSERT INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, next_attempt_at, created_at)
       VALUES ('cont_0123456789abcdef', 'project-1/task-1/package-1', 'evt_x', 'PENDING', ?, ?)`,
    ).run(now, now);
  }
  if (v >= 3) {
    db.prepare(
      `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
       VALUES ('evt_0123456789abcdef0123456789abcdef', 1, 1, 1, 1, 'WORKER_BLOCKED', 'w', '{}', ?)`,
    ).run(now);
  }
  db.close();
  return dir;
}

const COUNTED = [
  "projects",
  "tasks",
  "audit_log",
  "agents",
  "role_delegations",
  "work_packages",
  "handoff_events",
  "mimo_sessions",
  "continuation_deliveries",
  "controller_sessions",
];

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

  test.each(Array.from({ length: LATEST_VERSION - 1 }, (_, i) => i + 1))(
    "a ledger at user_version %i upgrades to the latest without losing rows",
    (v) => {
      const dir = ledgerAt(v);
      const before = new Database(path.join(dir, LEDGER_FILE));
      const tables = COUNTED.filter((t) =>
        before.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(t),
      );
      const counts = Object.fromEntries(
        tables.map((t) => [t, (before.prepare(`SELECT COUNT(*) c FROM ${t}`).get() as { c: number }).c]),
      );
      before.close();
      const db = openLedger(dir);
      expect(version(db)).toBe(LATEST_VERSION);
      for (const t of tables)
        expect((db.prepare(`SELECT COUNT(*) c FROM ${t}`).get() as { c: number }).c).toBe(counts[t]);
      for (const t of COUNTED)
        expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(t)).toBeTruthy();
      db.close();
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
