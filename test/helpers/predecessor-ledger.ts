import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Builds a data dir as the predecessor (the Python server) left it: `ledger.sqlite3` with its own
 * schema at `user_version` 0–4, one `runs/` tree with an events.ndjson and a host-continuation
 * cursor. Older versions lack the columns and constraints the predecessor added later: at 0 the
 * additive columns and the continuation table are missing, below 3 `mimo_sessions` has no CHECKs,
 * below 4 `agents` lacks runtime/provider/model/reasoning_profile. Every table present has rows.
 */

const CHECKED_SESSION = `mode TEXT NOT NULL CHECK (mode IN ('headless','tui')),
  lifecycle_state TEXT NOT NULL CHECK (lifecycle_state IN ('PREPARED','RUNNING','TUI_DETACHED','EXITED',
    'WORKER_CRASHED','WORKER_EXITED_WITHOUT_HANDOFF','WORKER_UNRESPONSIVE','WATCHDOG_UNCERTAIN','FAILED',
    'CANCELLED','ABANDONED'))`;

function schema(v: number): string {
  const agentMeta = v >= 4 ? "runtime TEXT, provider TEXT, model TEXT, reasoning_profile TEXT," : "";
  const mimoCols = v >= 1 ? "mimo_model TEXT, mimo_agent TEXT," : "";
  const wpExtra =
    v >= 1
      ? `worker_pro_available INTEGER NOT NULL DEFAULT 0, operation_id TEXT NOT NULL DEFAULT '',
  authority_mode TEXT NOT NULL DEFAULT '', operation_root TEXT NOT NULL DEFAULT '',
  codex_required INTEGER NOT NULL DEFAULT 1, codex_instance_id TEXT NOT NULL DEFAULT '',
  glm_instance_id TEXT NOT NULL DEFAULT '', branch_worktree TEXT NOT NULL DEFAULT '',
  glm_scan_plan_report_json TEXT NOT NULL DEFAULT '{}', operation_isolation_json TEXT NOT NULL DEFAULT '{}',
  pro_api_assignment TEXT NOT NULL DEFAULT '', contract_discovery_json TEXT NOT NULL DEFAULT '{}',
  test_surface_json TEXT NOT NULL DEFAULT '[]', rollback_boundary TEXT NOT NULL DEFAULT '',
  compact_report_format_json TEXT NOT NULL DEFAULT '[]', session_routing_json TEXT NOT NULL DEFAULT '{}',
  cache_anchor TEXT NOT NULL DEFAULT '',`
      : "";
  const subExtra =
    v >= 1
      ? "worker_report_json TEXT NOT NULL DEFAULT '{}', worker_report_validation_json TEXT NOT NULL DEFAULT '{}',"
      : "";
  const sessionIdentity =
    v >= 1 ? "process_started_at_os TEXT, executable_path TEXT, argv_hash TEXT, launch_nonce TEXT," : "";
  const sessionMode = v >= 3 ? CHECKED_SESSION : "mode TEXT NOT NULL, lifecycle_state TEXT NOT NULL";
  const continuation =
    v >= 1
      ? `CREATE TABLE IF NOT EXISTS continuation_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT,
  continuation_id TEXT NOT NULL UNIQUE, run_id TEXT NOT NULL, source_event_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PENDING','CLAIMED','CONTROLLER_STARTED','ACKNOWLEDGED','RESOLVED',
    'RETRY_WAIT','DEAD_LETTER')),
  attempt_count INTEGER NOT NULL DEFAULT 0, attempt_id TEXT, claimed_by TEXT, next_attempt_at TEXT NOT NULL,
  lease_expires_at TEXT, controller_pid INTEGER, controller_process_started_at_os TEXT,
  controller_executable_path TEXT, controller_argv_hash TEXT, controller_launch_nonce TEXT,
  controller_session_id TEXT, acknowledged_at TEXT, resolved_at TEXT, resolution_json TEXT, last_error TEXT,
  created_at TEXT NOT NULL, UNIQUE (run_id, source_event_id));`
      : "";
  return `
CREATE TABLE IF NOT EXISTS projects (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  repo_path TEXT NOT NULL, grace_path TEXT NOT NULL, main_branch TEXT NOT NULL,
  allowed_test_commands_json TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id), name TEXT NOT NULL, primary_role TEXT NOT NULL,
  capabilities_json TEXT NOT NULL, ${mimoCols} ${agentMeta}
  availability TEXT NOT NULL CHECK (availability IN ('available','unavailable')), updated_at TEXT NOT NULL,
  UNIQUE (project_id, name));
CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL,
  parent_task_id INTEGER REFERENCES tasks(id), created_by_role TEXT NOT NULL, title TEXT NOT NULL,
  objective TEXT NOT NULL, architecture_intent TEXT NOT NULL, constraints_json TEXT NOT NULL,
  non_goals_json TEXT NOT NULL, acceptance_criteria_json TEXT NOT NULL, allowed_files_json TEXT NOT NULL,
  forbidden_files_json TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grace_artifacts (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL, artifact_type TEXT NOT NULL, path TEXT NOT NULL, content TEXT NOT NULL,
  content_hash TEXT NOT NULL, revision INTEGER NOT NULL, created_by_agent TEXT NOT NULL, created_at TEXT NOT NULL,
  UNIQUE (task_id, artifact_type, revision));
CREATE TABLE IF NOT EXISTS verification_plans (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,
  revision INTEGER NOT NULL, test_strategy TEXT NOT NULL, test_commands_json TEXT NOT NULL,
  risk_coverage_json TEXT NOT NULL, acceptance_mapping_json TEXT NOT NULL, created_by_agent TEXT NOT NULL,
  created_at TEXT NOT NULL, UNIQUE (task_id, revision));
CREATE TABLE IF NOT EXISTS work_packages (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,
  title TEXT NOT NULL, objective TEXT NOT NULL, allowed_files_json TEXT NOT NULL, forbidden_files_json TEXT NOT NULL,
  assigned_junior_agent TEXT, assigned_pro_agent TEXT, ${wpExtra}
  base_commit TEXT NOT NULL, status TEXT NOT NULL, claimed_by_agent TEXT, created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, work_package_id INTEGER NOT NULL,
  submitted_by_agent TEXT NOT NULL, base_commit TEXT NOT NULL, head_commit TEXT NOT NULL, diff TEXT NOT NULL,
  diff_hash TEXT NOT NULL, summary TEXT NOT NULL, tests_run_json TEXT NOT NULL, files_changed_json TEXT NOT NULL,
  ${subExtra} risk_notes TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY AUTOINCREMENT, target_type TEXT NOT NULL,
  target_id INTEGER NOT NULL, reviewer_role TEXT NOT NULL, reviewer_agent TEXT NOT NULL,
  effective_role TEXT NOT NULL, decision TEXT NOT NULL, findings_json TEXT NOT NULL,
  required_fixes_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS role_delegations (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL,
  task_id INTEGER, unavailable_role TEXT NOT NULL, substitute_actor TEXT NOT NULL, delegated_role TEXT NOT NULL,
  reason TEXT NOT NULL, expires_at TEXT NOT NULL, created_by_actor TEXT NOT NULL, created_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE TABLE IF NOT EXISTS test_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,
  work_package_id INTEGER, command_key TEXT NOT NULL, command_json TEXT NOT NULL, exit_code INTEGER,
  stdout_path TEXT NOT NULL, stderr_path TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mimo_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL,
  task_id INTEGER NOT NULL, work_package_id INTEGER NOT NULL, requested_by_agent TEXT NOT NULL,
  assigned_agent TEXT NOT NULL, assigned_role TEXT NOT NULL, mimo_model TEXT, ${v >= 1 ? "mimo_agent TEXT," : ""}
  ${sessionMode}, workspace_path TEXT, briefing_path TEXT, command_json TEXT, pid INTEGER, ${sessionIdentity}
  stdout_path TEXT, stderr_path TEXT, exit_code INTEGER, failure_reason TEXT, created_at TEXT NOT NULL,
  started_at TEXT, ended_at TEXT);
CREATE TABLE IF NOT EXISTS idempotency_keys (actor_name TEXT NOT NULL, operation TEXT NOT NULL,
  request_key TEXT NOT NULL, payload_hash TEXT NOT NULL, result_json TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (actor_name, operation, request_key));
CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, event_type TEXT NOT NULL,
  actor_role TEXT NOT NULL, effective_role TEXT NOT NULL, actor_agent TEXT NOT NULL, target_type TEXT NOT NULL,
  target_id INTEGER NOT NULL, payload_json TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
${continuation}
`;
}

const T = "2026-01-05T10:00:00+00:00";
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Rows as the predecessor wrote them (keys sorted, compact JSON); columns a version lacks are left out. */
export function predecessorRows(repo: string): Record<string, Record<string, unknown>[]> {
  const diff = "diff --git a/src/a.ts b/src/a.ts\n+export const a = 1;\n";
  return {
    projects: [
      {
        id: 3,
        name: "legacy",
        repo_path: repo,
        grace_path: path.join(repo, "docs"),
        main_branch: "main",
        allowed_test_commands_json: '{"unit":["npm","test"]}',
        created_at: T,
        updated_at: T,
      },
    ],
    agents: [
      ...(
        [
          ["codex-1", "codex", '["codex"]', "codex"],
          ["glm-1", "glm", '["glm"]', "mimo-cli"],
          ["junior-1", "worker_junior", '["worker_junior"]', "mimo_tui"],
          ["owner-1", "test_owner", '["test_owner"]', "google/antigravity"],
        ] as const
      ).map(([name, role, caps, runtime], i) => ({
        id: 10 + i,
        project_id: 3,
        name,
        primary_role: role,
        capabilities_json: caps,
        mimo_model: role === "worker_junior" ? "mimo-v2" : null,
        mimo_agent: role === "worker_junior" ? "build" : null,
        runtime,
        provider: "legacy-provider",
        model: "m-1",
        reasoning_profile: null,
        availability: "available",
        updated_at: T,
      })),
    ],
    tasks: [
      {
        id: 7,
        project_id: 3,
        parent_task_id: null,
        created_by_role: "codex",
        title: "Legacy task",
        objective: "carry on",
        architecture_intent: "keep",
        constraints_json: "[]",
        non_goals_json: "[]",
        acceptance_criteria_json: '["works"]',
        allowed_files_json: '["src/**"]',
        forbidden_files_json: "[]",
        status: "WORK_PACKAGES_ASSIGNED",
        created_at: T,
        updated_at: T,
      },
    ],
    grace_artifacts: [
      {
        id: 21,
        project_id: 3,
        task_id: 7,
        artifact_type: "requirements",
        path: "docs/requirements.xml",
        content: "<requirements/>",
        content_hash: sha("<requirements/>"),
        revision: 1,
        created_by_agent: "system:auto-import",
        created_at: T,
      },
    ],
    verification_plans: [
      {
        id: 4,
        task_id: 7,
        revision: 1,
        test_strategy: "unit",
        test_commands_json: '["unit"]',
        risk_coverage_json: "[]",
        acceptance_mapping_json: "{}",
        created_by_agent: "glm-1",
        created_at: T,
      },
    ],
    work_packages: [
      {
        id: 5,
        task_id: 7,
        title: "Legacy package",
        objective: "o",
        allowed_files_json: '["src/**"]',
        forbidden_files_json: "[]",
        assigned_junior_agent: "junior-1",
        assigned_pro_agent: null,
        authority_mode: "codex_led",
        base_commit: "a".repeat(40),
        status: "CLAIMED_JUNIOR",
        claimed_by_agent: "junior-1",
        created_at: T,
        updated_at: T,
      },
    ],
    submissions: [
      {
        id: 8,
        work_package_id: 5,
        submitted_by_agent: "junior-1",
        base_commit: "a".repeat(40),
        head_commit: "b".repeat(40),
        diff,
        diff_hash: sha(diff),
        summary: "first try",
        tests_run_json: "[]",
        files_changed_json: '["src/a.ts"]',
        worker_report_json: "{}",
        worker_report_validation_json: "{}",
        risk_notes: "",
        created_at: T,
      },
    ],
    reviews: [
      {
        id: 9,
        target_type: "work_package",
        target_id: 5,
        reviewer_role: "glm",
        reviewer_agent: "glm-1",
        effective_role: "glm",
        decision: "rejected_repair_required",
        findings_json: '["missing test"]',
        required_fixes_json: "[]",
        created_at: T,
      },
    ],
    role_delegations: [
      {
        id: 2,
        project_id: 3,
        task_id: 7,
        unavailable_role: "glm",
        substitute_actor: "owner-1",
        delegated_role: "glm",
        reason: "away",
        expires_at: "2099-01-01T00:00:00+00:00",
        created_by_actor: "codex-1",
        created_at: T,
        revoked_at: null,
      },
    ],
    test_runs: [
      {
        id: 6,
        task_id: 7,
        work_package_id: 5,
        command_key: "unit",
        command_json: '["npm","test"]',
        exit_code: 0,
        stdout_path: "/old/logs/unit.stdout.log",
        stderr_path: "/old/logs/unit.stderr.log",
        created_at: T,
      },
    ],
    mimo_sessions: [
      {
        id: 11,
        project_id: 3,
        task_id: 7,
        work_package_id: 5,
        requested_by_agent: "glm-1",
        assigned_agent: "junior-1",
        assigned_role: "worker_junior",
        mimo_model: "mimo-v2",
        mimo_agent: "build",
        mode: "tui",
        lifecycle_state: "EXITED",
        pid: 4242,
        exit_code: 0,
        created_at: T,
      },
    ],
    idempotency_keys: [
      {
        actor_name: "codex-1",
        operation: "task.create",
        request_key: "k1",
        payload_hash: "h",
        result_json: "{}",
        created_at: T,
      },
    ],
    audit_log: [
      {
        id: 30,
        event_type: "task.codex_created",
        actor_role: "codex",
        effective_role: "codex",
        actor_agent: "codex-1",
        target_type: "task",
        target_id: 7,
        payload_json: "{}",
        created_at: T,
      },
      {
        id: 31,
        event_type: "work_package.claimed",
        actor_role: "worker_junior",
        effective_role: "worker_junior",
        actor_agent: "junior-1",
        target_type: "work_package",
        target_id: 5,
        payload_json: '{"status":"CLAIMED_JUNIOR"}',
        created_at: T,
      },
    ],
    continuation_deliveries: [
      {
        id: 1,
        continuation_id: "cont_00112233445566aa",
        run_id: "project-3/task-7/package-5",
        source_event_id: "evt_00000000000000000000000000000001",
        state: "RESOLVED",
        attempt_count: 1,
        next_attempt_at: T,
        resolved_at: T,
        resolution_json: '{"status":"done"}',
        created_at: T,
      },
    ],
  };
}

/** The run's events as the predecessor wrote them: no `seq`; the oldest line has no `event_id`. */
export function predecessorEvents(): Record<string, unknown>[] {
  const base = { project_id: 3, task_id: 7, work_package_id: 5, created_at: T };
  return [
    { ...base, type: "WORKER_STARTED", worker: "junior-1", payload: { session_id: 11, mode: "tui" } },
    {
      ...base,
      event_id: "evt_00000000000000000000000000000001",
      type: "WORKER_READY_FOR_REVIEW",
      worker: "junior-1",
      payload: { submission_id: 8, head_commit: "b".repeat(40) },
    },
    {
      ...base,
      event_id: "evt_00000000000000000000000000000002",
      type: "CONTROLLER_REWORK_REQUESTED",
      worker: "glm-1",
      payload: { review_id: 9, decision: "rejected_repair_required" },
    },
  ];
}

function insert(db: Database.Database, table: string, row: Record<string, unknown>): void {
  const present = new Set(db.prepare("SELECT name FROM pragma_table_info(?)").pluck().all(table) as string[]);
  const cols = Object.keys(row).filter((c) => present.has(c));
  db.prepare(`INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(
    ...cols.map((c) => row[c]),
  );
}

export interface PredecessorDir {
  dataDir: string;
  ledger: string;
  eventsFile: string;
  cursorFile: string;
  /** Tables the ledger has at this version, each with its row count. */
  counts: Record<string, number>;
}

/** A predecessor data dir at `userVersion` under `dataDir` (created), for a repository at `repo`. */
export function buildPredecessorDataDir(
  dataDir: string,
  userVersion: number,
  repo = "/legacy/repo",
): PredecessorDir {
  fs.mkdirSync(dataDir, { recursive: true });
  const ledger = path.join(dataDir, "ledger.sqlite3");
  const db = new Database(ledger);
  db.exec(schema(userVersion));
  const counts: Record<string, number> = {};
  const tables = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  for (const [table, rows] of Object.entries(predecessorRows(repo))) {
    if (!tables.has(table)) continue;
    for (const row of rows) insert(db, table, row);
    counts[table] = rows.length;
  }
  db.pragma(`user_version = ${userVersion}`);
  db.pragma("journal_mode = WAL");
  db.close();
  const runDir = path.join(dataDir, "runs", "project-3", "task-7", "package-5");
  fs.mkdirSync(path.join(runDir, "handoff"), { recursive: true });
  const eventsFile = path.join(runDir, "events.ndjson");
  fs.writeFileSync(
    eventsFile,
    predecessorEvents()
      .map((e) => `${JSON.stringify(e)}\n`)
      .join(""),
  );
  fs.writeFileSync(path.join(runDir, "handoff", "WP-5.report.md"), "# WP-5\n");
  const cursorFile = path.join(dataDir, "host-continuation", "cursor.json");
  fs.mkdirSync(path.dirname(cursorFile), { recursive: true });
  fs.writeFileSync(
    cursorFile,
    JSON.stringify({
      version: 1,
      events: { "runs/project-3/task-7/package-5/events.ndjson": { line_count: 3, updated_at: T } },
    }),
  );
  return { dataDir, ledger, eventsFile, cursorFile, counts };
}
