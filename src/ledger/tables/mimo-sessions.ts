import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** Every lifecycle state the table's CHECK constraint allows. */
export const SESSION_STATES = [
  "PREPARED",
  "RUNNING",
  "TUI_DETACHED",
  "EXITED",
  "WORKER_CRASHED",
  "WORKER_EXITED_WITHOUT_HANDOFF",
  "WORKER_UNRESPONSIVE",
  "WATCHDOG_UNCERTAIN",
  "FAILED",
  "CANCELLED",
  "ABANDONED",
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** States that hold the package's dispatch lock: one live session per package. */
export const ACTIVE_STATES: readonly SessionState[] = ["PREPARED", "RUNNING", "TUI_DETACHED"];

/**
 * States in which the ledger expects a live Mimo process. A PREPARED session names its worktree
 * before creating it and records no Mimo yet, so it does not count as launched.
 */
const LIVE_STATES: readonly SessionState[] = ["RUNNING", "TUI_DETACHED"];

/** A Mimo session exactly as stored; `command_json` stays a string here, projections decode it. */
export interface MimoSessionRow {
  id: number;
  project_id: number;
  task_id: number;
  work_package_id: number;
  requested_by_agent: string;
  assigned_agent: string;
  assigned_role: string;
  mimo_model: string | null;
  mimo_agent: string | null;
  mode: "headless" | "tui";
  lifecycle_state: SessionState;
  dispatch_lock_released: number;
  workspace_path: string | null;
  briefing_path: string | null;
  command_json: string | null;
  pid: number | null;
  process_started_at_os: string | null;
  executable_path: string | null;
  argv_hash: string | null;
  launch_nonce: string | null;
  stdout_path: string | null;
  stderr_path: string | null;
  exit_code: number | null;
  failure_reason: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  workspace_base_commit: string | null;
  repair_route: string | null;
  worktree_removed_at: string | null;
}

/** What a launch writes when it prepares a session; the row starts PREPARED. */
export type NewMimoSession = Pick<
  MimoSessionRow,
  | "project_id"
  | "task_id"
  | "work_package_id"
  | "requested_by_agent"
  | "assigned_agent"
  | "assigned_role"
  | "mimo_model"
  | "mimo_agent"
  | "mode"
  | "workspace_base_commit"
  | "repair_route"
  | "created_at"
>;

/** The identity of a recorded process: the launch gate, or Mimo itself once launched. */
export type SessionProcess = Pick<
  MimoSessionRow,
  "pid" | "process_started_at_os" | "executable_path" | "argv_hash" | "launch_nonce"
>;

/** The evidence a launch records when it moves PREPARED to RUNNING or TUI_DETACHED. */
export type SessionLaunch = SessionProcess &
  Pick<
    MimoSessionRow,
    | "id"
    | "lifecycle_state"
    | "workspace_path"
    | "briefing_path"
    | "command_json"
    | "stdout_path"
    | "stderr_path"
    | "started_at"
  >;

/** How a session ends: from the state it was read in, to `to`. Null fields keep what the row has. */
export interface SessionEnd {
  id: number;
  from: SessionState;
  to: SessionState;
  exit_code: number | null;
  failure_reason: string | null;
  ended_at: string;
  /** Also releases the package's dispatch lock. */
  release: boolean;
}

/** A package's recent sessions, as the package summary lists them. */
export type SessionSummaryRow = Pick<
  MimoSessionRow,
  "id" | "assigned_agent" | "assigned_role" | "mode" | "lifecycle_state" | "pid"
>;

/** A task's sessions, as the status read model shows them under their package. */
export type SessionBriefRow = Pick<
  MimoSessionRow,
  | "id"
  | "work_package_id"
  | "assigned_agent"
  | "assigned_role"
  | "mode"
  | "lifecycle_state"
  | "pid"
  | "started_at"
  | "ended_at"
>;

/** A session the ledger expects to run, with the process identity to probe. */
export type LiveSessionRow = Pick<
  MimoSessionRow,
  | "id"
  | "project_id"
  | "task_id"
  | "work_package_id"
  | "lifecycle_state"
  | "process_started_at_os"
  | "started_at"
  | "created_at"
> & { pid: number };

const marks = (values: readonly unknown[]) => values.map(() => "?").join(", ");

export function findMimoSession(db: Db, id: number): MimoSessionRow | undefined {
  return prepared(db, "SELECT * FROM mimo_sessions WHERE id = ?").get(id) as MimoSessionRow | undefined;
}

/** The package's newest session of any state. */
export function findLatestSessionOfPackage(db: Db, packageId: number): MimoSessionRow | undefined {
  return prepared(db, "SELECT * FROM mimo_sessions WHERE work_package_id = ? ORDER BY id DESC LIMIT 1").get(
    packageId,
  ) as MimoSessionRow | undefined;
}

export function listSessionsOfTask(db: Db, taskId: number): MimoSessionRow[] {
  return prepared(db, "SELECT * FROM mimo_sessions WHERE task_id = ? ORDER BY id").all(
    taskId,
  ) as MimoSessionRow[];
}

/** Sessions of the package still holding its dispatch lock, newest first. */
export function listLockHoldingSessions(db: Db, packageId: number): MimoSessionRow[] {
  return prepared(
    db,
    `SELECT * FROM mimo_sessions WHERE work_package_id = ? AND dispatch_lock_released = 0
       AND lifecycle_state IN (${marks(ACTIVE_STATES)}) ORDER BY id DESC`,
  ).all(packageId, ...ACTIVE_STATES) as MimoSessionRow[];
}

/** Sessions of the package in an active state, whether or not they released the dispatch lock. */
export function listActiveSessionsOfPackage(db: Db, packageId: number): MimoSessionRow[] {
  return prepared(
    db,
    "SELECT * FROM mimo_sessions WHERE work_package_id = ? AND lifecycle_state IN ('RUNNING', 'TUI_DETACHED', 'PREPARED')",
  ).all(packageId) as MimoSessionRow[];
}

/** The workspace of the package's newest live session, if one names a workspace. */
export function findLiveWorkspace(db: Db, packageId: number): string | undefined {
  const row = prepared(
    db,
    `SELECT workspace_path FROM mimo_sessions WHERE work_package_id = ? AND workspace_path IS NOT NULL
         AND lifecycle_state IN (${marks(LIVE_STATES)}) ORDER BY id DESC LIMIT 1`,
  ).get(packageId, ...LIVE_STATES) as { workspace_path: string } | undefined;
  return row?.workspace_path;
}

/** The project's sessions whose worktree is not yet removed, except those in `excluded` states. */
export function listSessionsWithWorktree(
  db: Db,
  projectId: number,
  excluded: readonly SessionState[],
): MimoSessionRow[] {
  return prepared(
    db,
    `SELECT * FROM mimo_sessions WHERE project_id = ? AND workspace_path IS NOT NULL AND worktree_removed_at IS NULL
       AND lifecycle_state NOT IN (${marks(excluded)}) ORDER BY id`,
  ).all(projectId, ...excluded) as MimoSessionRow[];
}

export function listRecentSessionsOfPackage(db: Db, packageId: number, limit: number): SessionSummaryRow[] {
  return prepared(
    db,
    `SELECT id, assigned_agent, assigned_role, mode, lifecycle_state, pid FROM mimo_sessions
         WHERE work_package_id = ? ORDER BY id DESC LIMIT ?`,
  ).all(packageId, limit) as SessionSummaryRow[];
}

/** A reader of a task's sessions, newest first, prepared once for a read that visits many tasks. */
export function prepareSessionBriefsOfTask(db: Db): (taskId: number) => SessionBriefRow[] {
  const statement = prepared(
    db,
    `SELECT id, work_package_id, assigned_agent, assigned_role, mode, lifecycle_state, pid, started_at, ended_at
     FROM mimo_sessions WHERE task_id = ? ORDER BY id DESC`,
  );
  return (taskId) => statement.all(taskId) as SessionBriefRow[];
}

/** Every session, in every project, that the ledger expects to run and that recorded a process. */
export function listLiveSessionsWithProcess(db: Db): LiveSessionRow[] {
  return prepared(
    db,
    `SELECT id, project_id, task_id, work_package_id, lifecycle_state, pid, process_started_at_os, started_at, created_at
       FROM mimo_sessions WHERE pid IS NOT NULL AND lifecycle_state IN (${LIVE_STATES.map((s) => `'${s}'`).join(", ")})`,
  ).all() as LiveSessionRow[];
}

/**
 * One timeline entry per session of the work package `@id` (`at`, `label`), unordered. SQL rather
 * than a function because the status page prepares it once and runs it for every package.
 */
export const PACKAGE_SESSION_TIMELINE_SQL = `SELECT COALESCE(started_at, created_at) AS at,
                  'Mimo session #' || id || ' (' || mode || ') ' || lifecycle_state AS label
             FROM mimo_sessions WHERE work_package_id = @id`;

/** Inserts a PREPARED session and returns its id. */
export function insertMimoSession(db: Db, row: NewMimoSession): number {
  const inserted = prepared(
    db,
    `INSERT INTO mimo_sessions (project_id, task_id, work_package_id, requested_by_agent, assigned_agent, assigned_role,
         mimo_model, mimo_agent, mode, lifecycle_state, workspace_base_commit, repair_route, created_at)
       VALUES (@project_id, @task_id, @work_package_id, @requested_by_agent, @assigned_agent, @assigned_role,
         @mimo_model, @mimo_agent, @mode, 'PREPARED', @workspace_base_commit, @repair_route, @created_at)`,
  ).run(row);
  return Number(inserted.lastInsertRowid);
}

/** Where the launch will write: named on the row before anything exists on disk. */
export function setSessionPaths(
  db: Db,
  row: Pick<MimoSessionRow, "id" | "workspace_path" | "briefing_path" | "stdout_path" | "stderr_path">,
): void {
  prepared(
    db,
    `UPDATE mimo_sessions SET workspace_path = @workspace_path, briefing_path = @briefing_path,
       stdout_path = @stdout_path, stderr_path = @stderr_path WHERE id = @id`,
  ).run(row);
}

/**
 * PREPARED → FAILED. `cleared`: the launch left nothing on disk, so the worktree counts as removed.
 * Nothing changes when the session is no longer PREPARED.
 */
export function failPreparedSession(
  db: Db,
  row: { id: number; failure_reason: string; ended_at: string; cleared: boolean },
): void {
  prepared(
    db,
    `UPDATE mimo_sessions SET lifecycle_state = 'FAILED', failure_reason = @failure_reason, ended_at = @ended_at,
       worktree_removed_at = CASE WHEN @cleared THEN @ended_at ELSE worktree_removed_at END
     WHERE id = @id AND lifecycle_state = 'PREPARED'`,
  ).run({ ...row, cleared: row.cleared ? 1 : 0 });
}

/** The launch gate's identity on a still PREPARED session; false when the session is no longer PREPARED. */
export function recordPreparedProcess(db: Db, row: SessionProcess & { id: number }): boolean {
  const changed = prepared(
    db,
    `UPDATE mimo_sessions SET pid = @pid, process_started_at_os = @process_started_at_os,
         executable_path = @executable_path, argv_hash = @argv_hash, launch_nonce = @launch_nonce
       WHERE id = @id AND lifecycle_state = 'PREPARED'`,
  ).run(row);
  return changed.changes === 1;
}

/** PREPARED → the launched state with its evidence; false when the session is no longer PREPARED. */
export function recordSessionLaunch(db: Db, row: SessionLaunch): boolean {
  const changed = prepared(
    db,
    `UPDATE mimo_sessions SET lifecycle_state = @lifecycle_state, workspace_path = @workspace_path,
         briefing_path = @briefing_path, command_json = @command_json, pid = @pid,
         process_started_at_os = @process_started_at_os, executable_path = @executable_path, argv_hash = @argv_hash,
         launch_nonce = @launch_nonce, stdout_path = @stdout_path, stderr_path = @stderr_path, started_at = @started_at
       WHERE id = @id AND lifecycle_state = 'PREPARED'`,
  ).run(row);
  return changed.changes === 1;
}

/** Ends a session still in `from`; false when it changed state meanwhile. */
export function endSession(db: Db, row: SessionEnd): boolean {
  const result = prepared(
    db,
    `UPDATE mimo_sessions SET lifecycle_state = @to, exit_code = COALESCE(@exit_code, exit_code),
         failure_reason = COALESCE(@failure_reason, failure_reason), ended_at = @ended_at,
         dispatch_lock_released = CASE WHEN @release THEN 1 ELSE dispatch_lock_released END
       WHERE id = @id AND lifecycle_state = @from`,
  ).run({ ...row, release: row.release ? 1 : 0 });
  return result.changes === 1;
}

/** Ends every active session of a package: a TUI window (the user's) is ABANDONED, the rest CANCELLED. */
export function endActiveSessionsOfPackage(db: Db, packageId: number, endedAt: string): void {
  prepared(
    db,
    `UPDATE mimo_sessions SET lifecycle_state = CASE lifecycle_state WHEN 'TUI_DETACHED' THEN 'ABANDONED' ELSE 'CANCELLED' END,
       ended_at = ? WHERE work_package_id = ? AND lifecycle_state IN ('RUNNING', 'TUI_DETACHED', 'PREPARED')`,
  ).run(endedAt, packageId);
}

export function markWorktreeRemoved(db: Db, id: number, removedAt: string): void {
  prepared(db, "UPDATE mimo_sessions SET worktree_removed_at = ? WHERE id = ?").run(removedAt, id);
}
