import { parseJson } from "../ledger/json.js";
import type { AgentRow, PackageRow, ProjectRow, TaskRow } from "../ledger/rows.js";

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
