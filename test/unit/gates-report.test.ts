import { describe, expect, it } from "vitest";
import {
  DEFAULT_WORKER_REPORT_FIELDS,
  gateFailureMessage,
  parsePolicy,
  requireGatePass,
  validateWorkerReport,
  type WorkerReportContext,
} from "../../src/gates/index.js";
import { OrchestratorError } from "../../src/domain/errors.js";

// The worker-report label table, written out independently of the source tables.
const REPORT_ALIASES: [string, string[]][] = [
  ["operation id", ["operation_id", "operation-id", "operation id"]],
  ["authority mode", ["authority_mode", "authority-mode", "authority mode"]],
  ["task id", ["task_id", "task-id", "task id"]],
  ["module id", ["module_id", "module-id", "module id"]],
  ["files read", ["files_read", "files-read", "files read"]],
  ["files changed", ["files_changed", "files_touched", "files-changed", "files changed"]],
  ["contract delta", ["contract_delta", "contract-delta", "contract delta"]],
  [
    "commands run with exact results",
    [
      "commands_run_with_exact_results",
      "commands-run-with-exact-results",
      "commands run with exact results",
      "commands_run",
      "exact_results",
    ],
  ],
  ["what is scaffolded", ["what_is_scaffolded", "scaffolded", "what is scaffolded"]],
  ["what is wired", ["what_is_wired", "wired", "what is wired"]],
  ["what is verified", ["what_is_verified", "verified", "what is verified"]],
  ["unverified gaps", ["unverified_gaps", "unverified-gaps", "unverified gaps"]],
  [
    "stop conditions encountered",
    ["stop_conditions_encountered", "stop-conditions-encountered", "stop conditions encountered"],
  ],
  [
    "protected-test and forbidden-scope statement",
    [
      "protected_test_and_forbidden_scope_statement",
      "protected-test-and-forbidden-scope-statement",
      "protected-test and forbidden-scope statement",
      "protected_tests",
      "forbidden_scope_statement",
    ],
  ],
  ["graph delta proposal", ["graph_delta_proposal", "graph-delta-proposal", "graph delta proposal"]],
  [
    "verification delta proposal",
    ["verification_delta_proposal", "verification-delta-proposal", "verification delta proposal"],
  ],
  ["next action", ["next_action", "next-action", "next action"]],
];

const CONTEXT: WorkerReportContext = {
  taskId: 7,
  packageId: 3,
  allowed: ["src/**"],
  forbidden: ["tests/**"],
  evidenceFiles: ["src/worker.py"],
};

/** A passing worker report written with snake_case aliases. */
function passingReport(): Record<string, unknown> {
  return {
    operation_id: "op-test",
    authority_mode: "codex_led",
    task_id: 7,
    work_package_id: 3,
    module_id: "M-ORCH-LEDGER",
    files_read: ["docs/development-plan.xml"],
    files_changed: ["src/worker.py"],
    contract_delta: "none",
    commands_run_with_exact_results: ["npm test: 12 passed"],
    scaffolded: "nothing",
    wired: "worker entry",
    verified: "unit tests",
    unverified_gaps: "none",
    stop_conditions_encountered: "none",
    protected_test_and_forbidden_scope_statement: "no protected tests touched",
    graph_delta_proposal: "none",
    verification_delta_proposal: "none",
    next_action: "GLM review",
  };
}

const EMPTY_SUFFIX = "Required: non-empty string, non-empty array, non-empty object, or scalar evidence.";

describe("worker report validation", () => {
  it("uses the 17 worker-report labels in order", () => {
    expect(DEFAULT_WORKER_REPORT_FIELDS).toEqual(REPORT_ALIASES.map(([label]) => label));
  });

  it("passes a complete report", () => {
    expect(validateWorkerReport(passingReport(), CONTEXT)).toEqual({
      status: "pass",
      issues: [],
      warnings: [],
    });
  });

  it.each(REPORT_ALIASES)("missing %j", (label, keys) => {
    const report = passingReport();
    for (const key of keys) delete report[key];
    const result = validateWorkerReport(report, { ...CONTEXT, evidenceFiles: undefined });
    expect(result.status).toBe("blocked");
    expect(result.issues[0]).toBe(`Worker report missing required field: ${label}`);
  });

  const emptiable = REPORT_ALIASES.filter(([label]) => label !== "files changed");
  it.each(emptiable)("present but empty %j", (label, keys) => {
    const report = passingReport();
    const key = keys.find((k) => k in report) as string;
    report[key] = [];
    expect(validateWorkerReport(report, CONTEXT).issues[0]).toBe(
      `Worker report field is present but empty: ${label}. ${EMPTY_SUFFIX}`,
    );
  });

  it("stop_conditions_encountered [] uses the present-but-empty wording", () => {
    const report = { ...passingReport(), stop_conditions_encountered: [] };
    const result = validateWorkerReport(report, CONTEXT);
    expect(result.status).toBe("blocked");
    expect(result.issues[0]).toContain(
      "Worker report field is present but empty: stop conditions encountered.",
    );
  });

  it("files changed may be an empty list (verification-only package)", () => {
    const report = { ...passingReport(), files_changed: [] };
    expect(validateWorkerReport(report, { ...CONTEXT, evidenceFiles: [] }).issues).toEqual([]);
  });

  const aliasCases = REPORT_ALIASES.flatMap(([, keys]) => keys.map((alias) => [alias, keys] as const));
  it.each(aliasCases)("alias %j is accepted", (alias, keys) => {
    const report = passingReport();
    const present = keys.find((k) => k in report) as string;
    const value = report[present];
    delete report[present];
    report[alias] = value;
    expect(validateWorkerReport(report, CONTEXT).issues).toEqual([]);
  });

  const checks: [string, Record<string, unknown>, Partial<WorkerReportContext>, string[]][] = [
    ["task id as text matches", { task_id: "7" }, {}, []],
    ["task id mismatch", { task_id: 8 }, {}, ["Worker report task id mismatch: 8 != 7"]],
    ["task id not a number", { task_id: "seven" }, {}, ["Worker report task id mismatch: seven != 7"]],
    ["package id mismatch", { work_package_id: 4 }, {}, ["Worker report package id mismatch: 4 != 3"]],
    ["package id under spaced key", { "work package id": 3 }, {}, []],
    ["controller completion uses package 0", { work_package_id: 0 }, { packageId: 0 }, []],
    [
      "files differ from evidence",
      { files_changed: ["src/other.py"] },
      {},
      ['Worker report files changed do not match submission evidence: ["src/other.py"] != ["src/worker.py"]'],
    ],
    [
      "reported changes with empty evidence",
      { files_changed: ["src/worker.py"] },
      { evidenceFiles: [] },
      ['Worker report files changed do not match submission evidence: ["src/worker.py"] != []'],
    ],
    [
      "evidence compared as sets, backslashes normalized",
      { files_changed: ["src\\worker.py", "src/worker.py"] },
      {},
      [],
    ],
    ["no evidence given: no comparison", { files_changed: ["src/a.py"] }, { evidenceFiles: undefined }, []],
    [
      "changed file outside allowed scope",
      { files_changed: ["README.md"] },
      { evidenceFiles: ["README.md"] },
      ["Submission changed file outside allowed scope: README.md"],
    ],
    [
      "changed forbidden file",
      { files_changed: ["tests/test_x.py"] },
      { evidenceFiles: ["tests/test_x.py"], allowed: ["**"] },
      ["Submission changed forbidden file: tests/test_x.py"],
    ],
    [
      "only the first scope violation is reported",
      { files_changed: ["README.md", "docs/x.md"] },
      { evidenceFiles: undefined },
      ["Submission changed file outside allowed scope: README.md"],
    ],
    [
      "changed path escaping the repo",
      { files_changed: ["../x.py"] },
      { evidenceFiles: undefined },
      ["Submission path is not project-relative: ../x.py"],
    ],
    [
      "files changed not a list",
      { files_changed: "src/worker.py" },
      {},
      ["Worker report files changed must be a list of project-relative paths"],
    ],
  ];
  it.each(checks)("%s", (_name, patch, context, issues) => {
    expect(validateWorkerReport({ ...passingReport(), ...patch }, { ...CONTEXT, ...context }).issues).toEqual(
      issues,
    );
  });

  it("requires verified evidence or unverified gaps", () => {
    const report = passingReport();
    delete report["verified"];
    delete report["unverified_gaps"];
    const policy = parsePolicy(JSON.stringify({ worker_report_required_fields: ["next action"] }));
    expect(validateWorkerReport(report, { ...CONTEXT, policy }).issues).toEqual([
      "Worker report must explicitly state verified evidence or unverified gaps",
    ]);
    expect(
      validateWorkerReport({ ...report, unverified_gaps: "e2e not run" }, { ...CONTEXT, policy }).issues,
    ).toEqual([]);
  });

  it("applies a custom policy's labels", () => {
    const policy = parsePolicy(
      JSON.stringify({ worker_report_required_fields: ["next action", "Reviewer Notes"] }),
    );
    const report = { next_action: "review", verified: "yes" };
    expect(validateWorkerReport(report, { ...CONTEXT, evidenceFiles: undefined, policy }).issues).toEqual([
      "Worker report missing required field: Reviewer Notes",
    ]);
    expect(
      validateWorkerReport(
        { ...report, reviewer_notes: "ok" },
        { ...CONTEXT, evidenceFiles: undefined, policy },
      ).issues,
    ).toEqual([]);
  });

  it("an empty report is blocked with missing-field issues", () => {
    const result = validateWorkerReport({}, CONTEXT);
    expect(result.issues.filter((i) => i.includes("missing required field"))).toHaveLength(17);
  });

  it("lifecycle failure message keeps the interface literal", () => {
    const result = validateWorkerReport({ ...passingReport(), task_id: 9 }, CONTEXT);
    expect(gateFailureMessage("Worker report validation", result.issues)).toBe(
      "Worker report validation failed: Worker report task id mismatch: 9 != 7",
    );
    expect(() => requireGatePass("Worker report validation", result)).toThrow(OrchestratorError);
    expect(
      requireGatePass("Worker report validation", validateWorkerReport(passingReport(), CONTEXT)).status,
    ).toBe("pass");
  });
});
