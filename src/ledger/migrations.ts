/**
 * Numbered schema migrations keyed on PRAGMA user_version. Migration N upgrades a ledger
 * at version N-1 to version N; each runs in its own transaction. Never edit a shipped
 * migration: add a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const CORE = `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  repo_path TEXT NOT NULL,
  grace_path TEXT NOT NULL,
  main_branch TEXT NOT NULL,
  allowed_test_commands_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE agents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  primary_role TEXT NOT NULL,
  capabilities_json TEXT NOT NULL,
  mimo_model TEXT,
  mimo_agent TEXT,
  runtime TEXT,
  provider TEXT,
  model TEXT,
  reasoning_profile TEXT,
  availability TEXT NOT NULL CHECK (availability IN ('available', 'unavailable')),
  updated_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  parent_task_id INTEGER REFERENCES tasks(id),
  created_by_role TEXT NOT NULL,
  title TEXT NOT NULL,
  objective TEXT NOT NULL,
  architecture_intent TEXT NOT NULL,
  constraints_json TEXT NOT NULL,
  non_goals_json TEXT NOT NULL,
  acceptance_criteria_json TEXT NOT NULL,
  allowed_files_json TEXT NOT NULL,
  forbidden_files_json TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_project ON tasks(project_id);
CREATE TABLE grace_artifacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  artifact_type TEXT NOT NULL,
  path TEXT NOT NULL,
  content TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_by_agent TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (task_id, artifact_type, revision)
);
CREATE TABLE verification_plans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  revision INTEGER NOT NULL,
  test_strategy TEXT NOT NULL,
  test_commands_json TEXT NOT NULL,
  risk_coverage_json TEXT NOT NULL,
  acceptance_mapping_json TEXT NOT NULL,
  created_by_agent TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (task_id, revision)
);
CREATE TABLE role_delegations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  task_id INTEGER REFERENCES tasks(id),
  unavailable_role TEXT NOT NULL,
  substitute_actor TEXT NOT NULL,
  delegated_role TEXT NOT NULL,
  reason TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_by_actor TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by_actor TEXT,
  revoke_reason TEXT
);
CREATE INDEX role_delegations_lookup ON role_delegations(project_id, substitute_actor);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  effective_role TEXT NOT NULL,
  actor_agent TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id INTEGER NOT NULL,
  payload_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX audit_target ON audit_log(target_type, target_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
`;

const PACKAGES = `
CREATE TABLE work_packages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  title TEXT NOT NULL,
  objective TEXT NOT NULL,
  allowed_files_json TEXT NOT NULL,
  forbidden_files_json TEXT NOT NULL,
  assigned_junior_agent TEXT,
  assigned_pro_agent TEXT,
  worker_pro_available INTEGER NOT NULL DEFAULT 0,
  operation_id TEXT NOT NULL DEFAULT '',
  authority_mode TEXT NOT NULL DEFAULT 'codex_led',
  operation_root TEXT NOT NULL DEFAULT '',
  codex_required INTEGER NOT NULL DEFAULT 1,
  codex_instance_id TEXT NOT NULL DEFAULT '',
  glm_instance_id TEXT NOT NULL DEFAULT '',
  branch_worktree TEXT NOT NULL DEFAULT '',
  glm_scan_plan_report_json TEXT NOT NULL DEFAULT '{}',
  operation_isolation_json TEXT NOT NULL DEFAULT '{}',
  pro_api_assignment TEXT NOT NULL DEFAULT '',
  base_commit TEXT NOT NULL,
  contract_discovery_json TEXT NOT NULL DEFAULT '{}',
  test_surface_json TEXT NOT NULL DEFAULT '[]',
  rollback_boundary TEXT NOT NULL DEFAULT '',
  compact_report_format_json TEXT NOT NULL DEFAULT '[]',
  session_routing_json TEXT NOT NULL DEFAULT '{}',
  cache_anchor TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  claimed_by_agent TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX work_packages_task ON work_packages(task_id);
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  work_package_id INTEGER NOT NULL REFERENCES work_packages(id),
  submitted_by_agent TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  head_commit TEXT NOT NULL,
  diff TEXT NOT NULL,
  diff_hash TEXT NOT NULL,
  summary TEXT NOT NULL,
  tests_run_json TEXT NOT NULL,
  files_changed_json TEXT NOT NULL,
  worker_report_json TEXT NOT NULL DEFAULT '{}',
  worker_report_validation_json TEXT NOT NULL DEFAULT '{}',
  risk_notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX submissions_package ON submissions(work_package_id);
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target_type TEXT NOT NULL CHECK (target_type IN ('work_package', 'task')),
  target_id INTEGER NOT NULL,
  reviewer_role TEXT NOT NULL,
  reviewer_agent TEXT NOT NULL,
  effective_role TEXT NOT NULL,
  decision TEXT NOT NULL,
  findings_json TEXT NOT NULL,
  required_fixes_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX reviews_target ON reviews(target_type, target_id);
CREATE TABLE test_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  work_package_id INTEGER REFERENCES work_packages(id),
  command_key TEXT NOT NULL,
  command_json TEXT NOT NULL,
  exit_code INTEGER,
  stdout_path TEXT NOT NULL,
  stderr_path TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

/** The transactional outbox: a handoff event is durable the moment its state change commits. */
const HANDOFF_OUTBOX = `
CREATE TABLE handoff_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  work_package_id INTEGER NOT NULL REFERENCES work_packages(id),
  seq INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN (
    'WORKER_STARTED', 'WORKER_READY_FOR_REVIEW', 'WORKER_BLOCKED', 'WORKER_NEEDS_CONTROLLER',
    'WORKER_FAILED', 'WORKER_DONE', 'CONTROLLER_ACCEPTED', 'CONTROLLER_REWORK_REQUESTED',
    'CONTROLLER_REPAIR_SUBMITTED', 'CONTROLLER_CANCELLED', 'CONTROLLER_ESCALATED_TO_USER')),
  worker TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  projected_at TEXT,
  UNIQUE (work_package_id, seq)
);
CREATE INDEX handoff_events_task ON handoff_events(task_id, id);
CREATE INDEX handoff_events_unprojected ON handoff_events(projected_at) WHERE projected_at IS NULL;
`;

const MIMO_AND_CONTINUATION = `
CREATE TABLE mimo_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  work_package_id INTEGER NOT NULL REFERENCES work_packages(id),
  requested_by_agent TEXT NOT NULL,
  assigned_agent TEXT NOT NULL,
  assigned_role TEXT NOT NULL,
  mimo_model TEXT,
  mimo_agent TEXT,
  mode TEXT NOT NULL CHECK (mode IN ('headless', 'tui')),
  lifecycle_state TEXT NOT NULL CHECK (lifecycle_state IN ('PREPARED', 'RUNNING', 'TUI_DETACHED',
    'EXITED', 'WORKER_CRASHED', 'WORKER_EXITED_WITHOUT_HANDOFF', 'WORKER_UNRESPONSIVE',
    'WATCHDOG_UNCERTAIN', 'FAILED', 'CANCELLED', 'ABANDONED')),
  dispatch_lock_released INTEGER NOT NULL DEFAULT 0,
  workspace_path TEXT,
  briefing_path TEXT,
  command_json TEXT,
  pid INTEGER,
  process_started_at_os TEXT,
  executable_path TEXT,
  argv_hash TEXT,
  launch_nonce TEXT,
  stdout_path TEXT,
  stderr_path TEXT,
  exit_code INTEGER,
  failure_reason TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT
);
CREATE INDEX mimo_sessions_package ON mimo_sessions(work_package_id);
CREATE TABLE continuation_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  continuation_id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PENDING', 'CLAIMED', 'CONTROLLER_STARTED', 'ACKNOWLEDGED',
    'RESOLVED', 'RETRY_WAIT', 'DEAD_LETTER')),
  attempt_count INTEGER NOT NULL DEFAULT 0,
  attempt_id TEXT,
  claimed_by TEXT,
  next_attempt_at TEXT NOT NULL,
  lease_expires_at TEXT,
  controller_pid INTEGER,
  controller_process_started_at_os TEXT,
  controller_executable_path TEXT,
  controller_argv_hash TEXT,
  controller_launch_nonce TEXT,
  controller_session_id TEXT,
  acknowledged_at TEXT,
  resolved_at TEXT,
  resolution_json TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, source_event_id)
);
`;

/** Mimo bridge: the commit a session's worktree started from, its repair route, and worktree clean-up. */
const MIMO_SESSION_EVIDENCE = `
ALTER TABLE mimo_sessions ADD COLUMN workspace_base_commit TEXT;
ALTER TABLE mimo_sessions ADD COLUMN repair_route TEXT;
ALTER TABLE mimo_sessions ADD COLUMN worktree_removed_at TEXT;
`;

/**
 * Who holds a claim (pid + OS start time of the supervisor), so a claim of a supervisor that is
 * provably dead is recovered at once instead of after the 60 s lease; and an index for the
 * due-delivery query every scan runs.
 */
const CONTINUATION_CLAIMER = `
ALTER TABLE continuation_deliveries ADD COLUMN claimer_pid INTEGER;
ALTER TABLE continuation_deliveries ADD COLUMN claimer_started_at_os TEXT;
CREATE INDEX continuation_deliveries_state ON continuation_deliveries(state, next_attempt_at);
`;

/**
 * The controller's own session (the client's thread id, read from each tool call) per task and per
 * package, so the host supervisor resumes that exact session. work_package_id 0 is the task-level
 * row: the session that last acted on the task as a whole.
 */
const CONTROLLER_SESSIONS = `
CREATE TABLE controller_sessions (
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  work_package_id INTEGER NOT NULL DEFAULT 0,
  session_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (task_id, work_package_id)
);
`;

/**
 * When the launch gate reported the controller's pid to the supervisor that released it. A
 * CONTROLLER_STARTED delivery without it, whose supervisor and gate are both gone, never launched
 * anything and is retried at once instead of after the ACK lease.
 */
const CONTINUATION_LAUNCH_CONFIRMED = `
ALTER TABLE continuation_deliveries ADD COLUMN controller_confirmed_at TEXT;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "projects, agents, tasks, artifacts, verification plans, delegations, audit",
    sql: CORE,
  },
  { version: 2, description: "work packages, submissions, reviews, test runs", sql: PACKAGES },
  { version: 3, description: "handoff event outbox", sql: HANDOFF_OUTBOX },
  { version: 4, description: "mimo sessions and continuation deliveries", sql: MIMO_AND_CONTINUATION },
  {
    version: 5,
    description: "mimo session base commit, repair route, worktree removal",
    sql: MIMO_SESSION_EVIDENCE,
  },
  { version: 6, description: "continuation claimer identity and due index", sql: CONTINUATION_CLAIMER },
  { version: 7, description: "controller session per task and package", sql: CONTROLLER_SESSIONS },
  { version: 8, description: "continuation launch confirmation", sql: CONTINUATION_LAUNCH_CONFIRMED },
];

export const LATEST_VERSION = MIGRATIONS.length;
