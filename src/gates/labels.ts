/**
 * Label/alias tables of the execution packet (40 labels) and the worker
 * report (17 labels), and the lookup rules shared by both validators.
 * The labels and keys are interface literals: keep them stable.
 */

export interface LabelSpec {
  readonly label: string;
  readonly keys: readonly string[];
}

/** `<snake>`, `<kebab>`, `<spaced label>`: the common alias triple. */
function triple(label: string): LabelSpec {
  const snake = canonicalKey(label);
  return { label, keys: [snake, snake.replace(/_/g, "-"), label] };
}

function spec(label: string, ...keys: string[]): LabelSpec {
  return { label, keys };
}

/** Lower-case, every run of non-alphanumerics → `_`, outer `_` trimmed. */
export function canonicalKey(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export const PACKET_LABEL_SPECS: readonly LabelSpec[] = [
  triple("operation id"),
  triple("authority mode"),
  triple("operation root"),
  triple("codex required"),
  triple("codex instance id"),
  triple("glm instance id"),
  spec("branch/worktree", "branch_worktree", "branch-worktree", "branch/worktree", "branch worktree"),
  triple("task id"),
  triple("module id"),
  triple("verification id"),
  spec("goal", "goal"),
  spec("assigned role", "assigned_role", "assigned-role", "assigned role", "role_assigned"),
  spec(
    "orchestration stage",
    "orchestration_stage",
    "orchestration-stage",
    "orchestration stage",
    "operation stage",
  ),
  triple("substitution authority"),
  triple("allowed files"),
  triple("forbidden files"),
  triple("worker runtime profile"),
  triple("actual worker identity"),
  spec("mimocode agent", "mimocode_agent", "mimocode-agent", "mimocode agent", "mimocode tui agent"),
  spec("backend provider", "backend_provider", "backend-provider", "backend provider", "provider"),
  spec("backend model", "backend_model", "backend-model", "backend model", "provider/model"),
  triple("launch mode"),
  triple("trust flag"),
  triple("model flag policy"),
  triple("forbidden model flags"),
  spec("pro/api assignment", "pro_api_assignment", "pro-api-assignment", "pro/api assignment"),
  triple("pro backend model"),
  triple("claim identity"),
  spec("glm scan/plan report", "glm_scan_plan_report", "glm-scan-plan-report", "glm scan/plan report"),
  spec("required contracts read", "required_contracts_read", "contracts_read", "required contracts read"),
  spec(
    "contract discovery report",
    "contract_discovery_report",
    "contract_discovery",
    "contract discovery report",
  ),
  triple("test surface"),
  triple("commands allowed"),
  triple("rollback boundary"),
  triple("session routing"),
  triple("operation isolation"),
  triple("cache anchor"),
  triple("retry budget"),
  triple("stop conditions"),
  spec(
    "compact worker report format",
    "compact_worker_report_format",
    "compact-worker-report-format",
    "compact worker report format",
    "expected_worker_report_fields",
  ),
];

export const WORKER_REPORT_LABEL_SPECS: readonly LabelSpec[] = [
  triple("operation id"),
  triple("authority mode"),
  triple("task id"),
  triple("module id"),
  triple("files read"),
  spec("files changed", "files_changed", "files_touched", "files-changed", "files changed"),
  triple("contract delta"),
  spec(
    "commands run with exact results",
    "commands_run_with_exact_results",
    "commands-run-with-exact-results",
    "commands run with exact results",
    "commands_run",
    "exact_results",
  ),
  spec("what is scaffolded", "what_is_scaffolded", "scaffolded", "what is scaffolded"),
  spec("what is wired", "what_is_wired", "wired", "what is wired"),
  spec("what is verified", "what_is_verified", "verified", "what is verified"),
  triple("unverified gaps"),
  triple("stop conditions encountered"),
  spec(
    "protected-test and forbidden-scope statement",
    "protected_test_and_forbidden_scope_statement",
    "protected-test-and-forbidden-scope-statement",
    "protected-test and forbidden-scope statement",
    "protected_tests",
    "forbidden_scope_statement",
  ),
  triple("graph delta proposal"),
  triple("verification delta proposal"),
  triple("next action"),
];

export const DEFAULT_PACKET_FIELDS: readonly string[] = PACKET_LABEL_SPECS.map((s) => s.label);
export const DEFAULT_WORKER_REPORT_FIELDS: readonly string[] = WORKER_REPORT_LABEL_SPECS.map((s) => s.label);

const ALIASES: ReadonlyMap<string, readonly string[]> = new Map(
  [...PACKET_LABEL_SPECS, ...WORKER_REPORT_LABEL_SPECS].map((s) => [s.label, s.keys]),
);

/** Accepted keys for a label; a label without a table entry accepts its key and itself. */
export function acceptedKeys(label: string): readonly string[] {
  return ALIASES.get(label) ?? [canonicalKey(label), label];
}

export type FieldLookup = { found: false } | { found: true; key: string; value: unknown };

/** The first accepted key that the object has (own property), with its value. */
export function lookupField(record: Readonly<Record<string, unknown>>, label: string): FieldLookup {
  for (const key of acceptedKeys(label)) {
    if (Object.hasOwn(record, key)) return { found: true, key, value: record[key] };
  }
  return { found: false };
}

/**
 * "Present": null/undefined no; string non-blank; array and object
 * non-empty; any other scalar (0 and false included) counts as evidence.
 */
export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

export const EMPTY_FIELD_REQUIREMENT =
  "Required: non-empty string, non-empty array, non-empty object, or scalar evidence.";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Missing / present-but-empty issues for a subject ("Execution packet", "Worker report").
 * `mayBeEmpty` labels only have to exist.
 */
export function requiredFieldIssues(
  subject: string,
  record: Readonly<Record<string, unknown>>,
  labels: readonly string[],
  mayBeEmpty: ReadonlySet<string> = new Set(),
): string[] {
  const issues: string[] = [];
  for (const label of labels) {
    const field = lookupField(record, label);
    if (!field.found) issues.push(`${subject} missing required field: ${label}`);
    else if (!mayBeEmpty.has(label) && !isPresent(field.value)) {
      issues.push(`${subject} field is present but empty: ${label}. ${EMPTY_FIELD_REQUIREMENT}`);
    }
  }
  return issues;
}
