import { describe, expect, it } from "vitest";
import {
  DEFAULT_PACKET_FIELDS,
  defaultPolicy,
  isPresent,
  parsePolicy,
  validateExecutionPacket,
} from "../../src/gates/index.js";

// The execution-packet label table, written out independently of the source tables.
const PACKET_ALIASES: [string, string[]][] = [
  ["operation id", ["operation_id", "operation-id", "operation id"]],
  ["authority mode", ["authority_mode", "authority-mode", "authority mode"]],
  ["operation root", ["operation_root", "operation-root", "operation root"]],
  ["codex required", ["codex_required", "codex-required", "codex required"]],
  ["codex instance id", ["codex_instance_id", "codex-instance-id", "codex instance id"]],
  ["glm instance id", ["glm_instance_id", "glm-instance-id", "glm instance id"]],
  ["branch/worktree", ["branch_worktree", "branch-worktree", "branch/worktree", "branch worktree"]],
  ["task id", ["task_id", "task-id", "task id"]],
  ["module id", ["module_id", "module-id", "module id"]],
  ["verification id", ["verification_id", "verification-id", "verification id"]],
  ["goal", ["goal"]],
  ["assigned role", ["assigned_role", "assigned-role", "assigned role", "role_assigned"]],
  [
    "orchestration stage",
    ["orchestration_stage", "orchestration-stage", "orchestration stage", "operation stage"],
  ],
  ["substitution authority", ["substitution_authority", "substitution-authority", "substitution authority"]],
  ["allowed files", ["allowed_files", "allowed-files", "allowed files"]],
  ["forbidden files", ["forbidden_files", "forbidden-files", "forbidden files"]],
  ["worker runtime profile", ["worker_runtime_profile", "worker-runtime-profile", "worker runtime profile"]],
  ["actual worker identity", ["actual_worker_identity", "actual-worker-identity", "actual worker identity"]],
  ["mimocode agent", ["mimocode_agent", "mimocode-agent", "mimocode agent", "mimocode tui agent"]],
  ["backend provider", ["backend_provider", "backend-provider", "backend provider", "provider"]],
  ["backend model", ["backend_model", "backend-model", "backend model", "provider/model"]],
  ["launch mode", ["launch_mode", "launch-mode", "launch mode"]],
  ["trust flag", ["trust_flag", "trust-flag", "trust flag"]],
  ["model flag policy", ["model_flag_policy", "model-flag-policy", "model flag policy"]],
  ["forbidden model flags", ["forbidden_model_flags", "forbidden-model-flags", "forbidden model flags"]],
  ["pro/api assignment", ["pro_api_assignment", "pro-api-assignment", "pro/api assignment"]],
  ["pro backend model", ["pro_backend_model", "pro-backend-model", "pro backend model"]],
  ["claim identity", ["claim_identity", "claim-identity", "claim identity"]],
  ["glm scan/plan report", ["glm_scan_plan_report", "glm-scan-plan-report", "glm scan/plan report"]],
  ["required contracts read", ["required_contracts_read", "contracts_read", "required contracts read"]],
  [
    "contract discovery report",
    ["contract_discovery_report", "contract_discovery", "contract discovery report"],
  ],
  ["test surface", ["test_surface", "test-surface", "test surface"]],
  ["commands allowed", ["commands_allowed", "commands-allowed", "commands allowed"]],
  ["rollback boundary", ["rollback_boundary", "rollback-boundary", "rollback boundary"]],
  ["session routing", ["session_routing", "session-routing", "session routing"]],
  ["operation isolation", ["operation_isolation", "operation-isolation", "operation isolation"]],
  ["cache anchor", ["cache_anchor", "cache-anchor", "cache anchor"]],
  ["retry budget", ["retry_budget", "retry-budget", "retry budget"]],
  ["stop conditions", ["stop_conditions", "stop-conditions", "stop conditions"]],
  [
    "compact worker report format",
    [
      "compact_worker_report_format",
      "compact-worker-report-format",
      "compact worker report format",
      "expected_worker_report_fields",
    ],
  ],
];

const WORKER_FIELDS = [
  "operation id",
  "authority mode",
  "task id",
  "module id",
  "files read",
  "files changed",
  "contract delta",
  "commands run with exact results",
  "what is scaffolded",
  "what is wired",
  "what is verified",
  "unverified gaps",
  "stop conditions encountered",
  "protected-test and forbidden-scope statement",
  "graph delta proposal",
  "verification delta proposal",
  "next action",
];

const DISCOVERY = {
  status: "pass",
  contracts_read: ["docs/development-plan.xml", "docs/knowledge-graph.xml", "docs/verification-plan.xml"],
  module_refs: ["M-ORCH-LEDGER"],
  verification_refs: ["V-M-ORCH-LEDGER"],
  missing_contracts: [],
  conflicts: [],
};

const VALUES: Record<string, unknown> = {
  "allowed files": ["src/ledger/**"],
  "forbidden files": ["secrets/**"],
  "contract discovery report": DISCOVERY,
  "compact worker report format": WORKER_FIELDS,
  "codex required": true,
  "retry budget": 1,
  "session routing": { mode: "checkpoint_from_cache_anchor" },
  "operation isolation": { status: "single_operation_workspace" },
  "glm scan/plan report": { status: "not_supplied" },
  "stop conditions": ["contract conflict", "scope violation"],
  "test surface": ["unit"],
  "commands allowed": ["unit"],
};

/** A passing packet keyed by the first accepted key of each label. */
function passingPacket(): Record<string, unknown> {
  return Object.fromEntries(
    PACKET_ALIASES.map(([label, keys]) => [keys[0]!, VALUES[label] ?? `value of ${label}`] as const),
  );
}

describe("execution packet validation", () => {
  it("uses the 40 execution-packet labels in order", () => {
    expect(DEFAULT_PACKET_FIELDS).toEqual(PACKET_ALIASES.map(([label]) => label));
    expect(DEFAULT_PACKET_FIELDS).toHaveLength(40);
  });

  it("passes a complete packet", () => {
    expect(validateExecutionPacket(passingPacket(), { parentAllowed: ["src/**"] })).toEqual({
      status: "pass",
      issues: [],
      warnings: [],
    });
  });

  it.each(PACKET_ALIASES)("missing %j", (label, keys) => {
    const packet = passingPacket();
    for (const key of keys) delete packet[key];
    const result = validateExecutionPacket(packet);
    expect(result.status).toBe("blocked");
    expect(result.issues[0]).toBe(`Execution packet missing required field: ${label}`);
  });

  it.each(PACKET_ALIASES)("present but empty %j", (label, keys) => {
    const packet = passingPacket();
    packet[keys[0] as string] = "   ";
    const result = validateExecutionPacket(packet);
    expect(result.issues[0]).toBe(
      `Execution packet field is present but empty: ${label}. Required: non-empty string, non-empty array, non-empty object, or scalar evidence.`,
    );
  });

  const aliasCases = PACKET_ALIASES.flatMap(([label, keys]) =>
    keys.slice(1).map((alias) => [label, alias, keys]),
  );
  it.each(aliasCases)("%j is accepted under alias %j", (label, alias, keys) => {
    const packet = passingPacket();
    const value = packet[(keys as string[])[0] as string];
    delete packet[(keys as string[])[0] as string];
    packet[alias as string] = value;
    expect(validateExecutionPacket(packet).issues).toEqual([]);
    // The alias is read as that very field: emptied, it is refused by the field's label.
    packet[alias as string] = "   ";
    const { issues } = validateExecutionPacket(packet);
    expect(issues[0]).toBe(
      `Execution packet field is present but empty: ${label as string}. Required: non-empty string, non-empty array, non-empty object, or scalar evidence.`,
    );
    expect(issues).not.toContain(`Execution packet missing required field: ${label as string}`);
  });

  const emptiness: [unknown, boolean][] = [
    [null, false],
    [undefined, false],
    ["", false],
    [" \t", false],
    [[], false],
    [{}, false],
    [0, true],
    [false, true],
    ["x", true],
    [[""], true],
    [{ a: null }, true],
  ];
  it.each(emptiness)("isPresent(%j) → %s", (value, expected) => {
    expect(isPresent(value)).toBe(expected);
  });

  it("applies a custom policy's labels, with canonical-key fallback for unknown labels", () => {
    const policy = parsePolicy(JSON.stringify({ packet_required_fields: ["goal", "Risk Owner"] }));
    const packet = { goal: "g", contract_discovery: DISCOVERY };
    expect(validateExecutionPacket(packet, { policy }).issues).toEqual([
      "Execution packet missing required field: Risk Owner",
    ]);
    expect(validateExecutionPacket({ ...packet, risk_owner: "me" }, { policy }).issues).toEqual([]);
    expect(validateExecutionPacket({ ...packet, "Risk Owner": "me" }, { policy }).issues).toEqual([]);
    expect(validateExecutionPacket({ ...packet, risk_owner: [] }, { policy }).issues).toEqual([
      "Execution packet field is present but empty: Risk Owner. Required: non-empty string, non-empty array, non-empty object, or scalar evidence.",
    ]);
  });

  const parentCases: [string[], string[], string[]][] = [
    [["src/ledger/**"], ["src/**"], []],
    [["src/ledger/a.ts", "src/*.ts"], ["src/**"], []],
    [["docs/**"], ["src/**"], ["Execution packet allowed scope is outside parent task scope: docs/**"]],
    [["src/a/b.ts"], ["src/*"], ["Execution packet allowed scope is outside parent task scope: src/a/b.ts"]],
    [["src/**"], ["*"], ["Execution packet allowed scope is outside parent task scope: src/**"]],
    [["../x/**"], ["**"], ["Execution packet allowed scope pattern is not project-relative: ../x/**"]],
  ];
  it.each(parentCases)("allowed %j under parent %j", (allowed, parent, issues) => {
    const packet = { ...passingPacket(), allowed_files: allowed };
    expect(validateExecutionPacket(packet, { parentAllowed: parent }).issues).toEqual(issues);
  });

  const discoveryCases: [unknown, string[]][] = [
    ["not an object", ["Execution packet contract discovery report must be a JSON object"]],
    [
      { ...DISCOVERY, status: "fail" },
      ["Contract discovery: Contract discovery result must be pass or verified"],
    ],
    [{ ...DISCOVERY, status: "VERIFIED" }, []],
    [
      { ...DISCOVERY, contracts_read: [] },
      ["Contract discovery: Contract discovery result must list contracts_read"],
    ],
    [
      { ...DISCOVERY, module_refs: [] },
      ["Contract discovery: Contract discovery result must list at least one module_refs entry"],
    ],
    [
      { ...DISCOVERY, verification_refs: null },
      ["Contract discovery: Contract discovery result must list at least one verification_refs entry"],
    ],
    [
      { ...DISCOVERY, conflicts: ["x"] },
      ['Contract discovery: Contract discovery has unresolved conflicts: ["x"]'],
    ],
  ];
  it.each(discoveryCases)("discovery report %j", (report, issues) => {
    const packet = { ...passingPacket(), contract_discovery_report: report };
    expect(validateExecutionPacket(packet).issues).toEqual(issues);
  });

  it("warns for worker fields the compact format does not name", () => {
    const packet = { ...passingPacket(), compact_worker_report_format: ["operation_id", "Task ID"] };
    const result = validateExecutionPacket(packet);
    expect(result.status).toBe("pass");
    expect(result.warnings).toEqual(
      WORKER_FIELDS.filter((f) => f !== "operation id" && f !== "task id").map(
        (f) => `Compact report format does not explicitly name worker field: ${f}`,
      ),
    );
  });

  it("refuses a non-object packet and an empty one", () => {
    expect(validateExecutionPacket([]).issues).toEqual(["Execution packet must be a JSON object"]);
    const empty = validateExecutionPacket({}, { policy: defaultPolicy() });
    expect(empty.issues.filter((i) => i.includes("missing required field"))).toHaveLength(40);
  });
});
