import { parseJson } from "../ledger/json.js";

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

/** The row with `command_json` decoded into `command` (argv or null). */
export function sessionView(row: MimoSessionRow) {
  const { command_json, dispatch_lock_released, ...rest } = row;
  return {
    ...rest,
    dispatch_lock_released: dispatch_lock_released === 1,
    command: command_json ? parseJson<string[] | null>(command_json, null) : null,
  };
}
