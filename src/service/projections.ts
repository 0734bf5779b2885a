import { parseJson } from "../ledger/json.js";
import type { SubmissionRow } from "../ledger/tables/submissions.js";
import { projectDiff, projectWorkerReport } from "./compact-projections.js";
import type { AgentRow } from "../ledger/tables/agents.js";
import type { ProjectRow } from "../ledger/tables/projects.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import type { GraceArtifactRow } from "../ledger/tables/grace-artifacts.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";

/** Read models returned by tools: JSON columns decoded, flags as booleans. */
export function projectView(row: ProjectRow) {
  const { allowed_test_commands_json, ...rest } = row;
  return {
    ...rest,
    allowed_test_commands: parseJson<Record<string, string[]>>(allowed_test_commands_json, {}),
  };
}

export function agentView(row: AgentRow) {
  const { capabilities_json, ...rest } = row;
  return { ...rest, capabilities: parseJson<string[]>(capabilities_json, []) };
}

const PACKAGE_JSON_COLUMNS: Record<string, unknown> = {
  allowed_files_json: [],
  forbidden_files_json: [],
  contract_discovery_json: {},
  test_surface_json: [],
  compact_report_format_json: [],
  session_routing_json: {},
  glm_scan_plan_report_json: {},
  operation_isolation_json: {},
};

export function packageView(row: PackageRow) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key in PACKAGE_JSON_COLUMNS)
      out[key.slice(0, -"_json".length)] = parseJson(value as string, PACKAGE_JSON_COLUMNS[key]);
    else if (key === "codex_required" || key === "worker_pro_available") out[key] = value === 1;
    else out[key] = value;
  }
  return out;
}

export function taskCoreView(row: TaskRow) {
  const {
    constraints_json,
    non_goals_json,
    acceptance_criteria_json,
    allowed_files_json,
    forbidden_files_json,
    ...rest
  } = row;
  return {
    ...rest,
    constraints: parseJson<string[]>(constraints_json, []),
    non_goals: parseJson<string[]>(non_goals_json, []),
    acceptance_criteria: parseJson<string[]>(acceptance_criteria_json, []),
    allowed_files: parseJson<string[]>(allowed_files_json, []),
    forbidden_files: parseJson<string[]>(forbidden_files_json, []),
  };
}

/**
 * A submission as tools answer it: the JSON columns decoded once, the diff (which can be
 * megabytes) summarised by its size, files and line counts (`repo.diff` with `submission_id` reads
 * it in pages), and long command outputs in the worker report shortened to log excerpts.
 */
export function submissionView(row: SubmissionRow) {
  const {
    diff,
    tests_run_json,
    files_changed_json,
    worker_report_json,
    worker_report_validation_json,
    ...rest
  } = row;
  const files = parseJson<string[]>(files_changed_json, []);
  return {
    ...rest,
    diff_bytes: Buffer.byteLength(diff, "utf8"),
    diff_summary: projectDiff(diff, files),
    tests_run: parseJson(tests_run_json, []),
    files_changed: files,
    worker_report: projectWorkerReport(parseJson<Record<string, unknown>>(worker_report_json, {})),
    worker_report_validation: parseJson(worker_report_validation_json, {}),
  };
}

/** A GRACE artifact revision without its content (up to 512 KB): its size, hash and repo path say where it is. */
export function artifactView(row: GraceArtifactRow) {
  const { content, ...rest } = row;
  return { ...rest, content_bytes: Buffer.byteLength(content, "utf8") };
}
