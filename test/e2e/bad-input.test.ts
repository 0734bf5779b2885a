import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { allTools } from "../../src/tools/index.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";
import { snapshotLedger } from "../helpers/ledger-snapshot.js";

const MEGABYTE = "x".repeat(1024 * 1024);

/**
 * For every tool: arguments that would be valid (and would write, for mutating tools), and the
 * argument each bad variant corrupts. A tool missing here fails the coverage test below.
 */
const VALID: Record<string, { as: "codex" | "glm"; args: Record<string, unknown>; key?: string }> = {
  "orchestrator.whoami": { as: "codex", args: {} },
  "project.init": {
    as: "codex",
    args: { name: "second", repo_path: "<repo>", grace_path: "docs", main_branch: "main" },
    key: "name",
  },
  "project.set_test_commands": {
    as: "codex",
    args: { project_id: 1, allowed_test_commands: { unit: ["node", "--test"] } },
    key: "allowed_test_commands",
  },
  "agent.register": {
    as: "codex",
    args: { project_id: 1, name: "new-agent", primary_role: "worker_pro", capabilities: ["worker_pro"] },
    key: "name",
  },
  "agent.set_availability": {
    as: "codex",
    args: { project_id: 1, name: "glm-1", availability: "unavailable" },
    key: "name",
  },
  "role.delegate": {
    as: "codex",
    args: {
      project_id: 1,
      task_id: null,
      unavailable_role: "test_owner",
      substitute_actor: "glm-1",
      reason: "owner away",
      expires_at: "2099-01-01T00:00:00Z",
    },
    key: "reason",
  },
  "role.revoke": { as: "codex", args: { delegation_id: 1, reason: "done" }, key: "reason" },
  "task.create_codex_task": {
    as: "codex",
    args: {
      project_id: 1,
      title: "t",
      objective: "o",
      architecture_intent: "a",
      constraints: [],
      non_goals: [],
      acceptance_criteria: [],
      allowed_files: ["src/**"],
      forbidden_files: [],
    },
    key: "title",
  },
  "task.get": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "task.plan": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "task.get_next_action": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "verification.register_plan": {
    as: "glm",
    args: { task_id: 1, test_strategy: "s", test_commands: ["unit"] },
    key: "test_strategy",
  },
  "grace.upsert_artifact": {
    as: "glm",
    args: {
      project_id: 1,
      task_id: 1,
      artifact_type: "requirements",
      content: "<r/>",
      path: "docs/requirements.xml",
    },
    key: "artifact_type",
  },
  "handoff.list_events": { as: "codex", args: { work_package_id: 1 }, key: "work_package_id" },
  "handoff.escalate_to_user": {
    as: "codex",
    args: { task_id: 1, reason: "a person must choose the API shape" },
    key: "reason",
  },
  // Both arguments are optional (limit has a default): only unknown fields can be wrong.
  "inbox.next": { as: "glm", args: { project_id: 1 } },
  "inbox.list": { as: "glm", args: { project_id: 1, limit: 5 } },
  "handoff.list_events_page": { as: "glm", args: { work_package_id: 1, limit: 5 }, key: "work_package_id" },
  "handoff.wait_for_event": {
    as: "codex",
    args: { work_package_id: 1, timeout_seconds: 1 },
    key: "work_package_id",
  },
  "handoff.report_worker_event": {
    as: "codex",
    args: { work_package_id: 1, event_type: "WORKER_BLOCKED", message: "stuck" },
    key: "event_type",
  },
  "workpackage.create": {
    as: "glm",
    args: {
      task_id: 1,
      title: "p",
      objective: "o",
      allowed_files: ["src/**"],
      forbidden_files: [],
      assigned_junior_agent: "junior-1",
      assigned_pro_agent: "pro-1",
      base_commit: "HEAD",
    },
    key: "task_id",
  },
  "workpackage.assign": { as: "glm", args: { work_package_id: 1 }, key: "work_package_id" },
  "workpackage.reassign": {
    as: "codex",
    args: { work_package_id: 1, assigned_junior_agent: "junior-1", reason: "r" },
    key: "work_package_id",
  },
  "workpackage.reassign_by_controller": {
    as: "codex",
    args: { work_package_id: 1, assigned_junior_agent: "junior-1", reason: "r" },
    key: "work_package_id",
  },
  "workpackage.claim": { as: "glm", args: { work_package_id: 1 }, key: "work_package_id" },
  "workpackage.cancel": { as: "glm", args: { work_package_id: 1, reason: "r" }, key: "work_package_id" },
  "workpackage.get_summary": { as: "glm", args: { work_package_id: 1 }, key: "work_package_id" },
  "task.get_summary": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "task.recover_cancelled_packages": { as: "codex", args: { task_id: 1, reason: "r" }, key: "task_id" },
  "submission.create": {
    as: "glm",
    args: {
      work_package_id: 1,
      summary: "s",
      head_commit: "HEAD",
      tests_run: [],
      risk_notes: "",
      worker_report: {},
    },
    key: "work_package_id",
  },
  "submission.controller_repair": {
    as: "codex",
    args: {
      work_package_id: 1,
      summary: "s",
      head_commit: "HEAD",
      tests_run: [],
      risk_notes: "",
      controller_report: {},
    },
    key: "work_package_id",
  },
  "submission.controller_task_completion": {
    as: "codex",
    args: {
      task_id: 1,
      summary: "s",
      base_commit: "HEAD",
      head_commit: "HEAD",
      tests_run: [],
      risk_notes: "",
      controller_report: {},
    },
    key: "task_id",
  },
  "review.glm_submit": {
    as: "glm",
    args: { target_id: 1, decision: "accepted", findings: [], required_fixes: [] },
    key: "target_id",
  },
  "task.request_final_review": { as: "codex", args: { task_id: 1 }, key: "task_id" },
  "review.codex_submit": {
    as: "codex",
    args: { task_id: 1, decision: "accepted", findings: [], required_fixes: [] },
    key: "task_id",
  },
  "task.close": { as: "codex", args: { task_id: 1 }, key: "task_id" },
  "gate.contract_discovery": {
    as: "codex",
    args: { project_id: 1, affected_files: ["src/**"] },
    key: "project_id",
  },
  "gate.validate_execution_packet": { as: "glm", args: { task_id: 1, packet: {} }, key: "task_id" },
  "gate.validate_worker_report": {
    as: "glm",
    args: { work_package_id: 1, worker_report: {} },
    key: "work_package_id",
  },
  "gate.agent_infra_lint": { as: "glm", args: { project_id: 1 }, key: "project_id" },
  "gate.acceptance_review": { as: "codex", args: { task_id: 1 }, key: "task_id" },
  "repo.status": { as: "codex", args: { project_id: 1 }, key: "project_id" },
  "repo.diff": { as: "codex", args: { project_id: 1, scope: "all" }, key: "project_id" },
  "repo.run_tests": {
    as: "glm",
    args: { project_id: 1, task_id: 1, work_package_id: null, command_key: "unit" },
    key: "project_id",
  },
  "audit.list": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "audit.list_page": { as: "glm", args: { task_id: 1, limit: 5 }, key: "task_id" },
  "mimo.connection_profile": { as: "codex", args: { project_id: 1, agent_name: "glm-1" }, key: "agent_name" },
  "mimo.launch_package": { as: "glm", args: { work_package_id: 1, mode: "tui" }, key: "work_package_id" },
  "mimo.get_session": { as: "glm", args: { session_id: 1 }, key: "session_id" },
  "mimo.poll_session": { as: "glm", args: { session_id: 1 }, key: "session_id" },
  "mimo.cancel_session": { as: "glm", args: { session_id: 1 }, key: "session_id" },
  "mimo.recover_prepared_session": {
    as: "glm",
    args: { session_id: 1, observation: "gone" },
    key: "observation",
  },
  "mimo.recover_orphaned_running_session": {
    as: "glm",
    args: { session_id: 1, observation: "gone" },
    key: "observation",
  },
  "mimo.record_tui_closed": { as: "glm", args: { session_id: 1, observation: "closed" }, key: "observation" },
  "mimo.cleanup_worktrees": { as: "glm", args: { project_id: 1, older_than_hours: 24 }, key: "project_id" },
  "task.force_transition": {
    as: "codex",
    args: {
      entity_type: "task",
      entity_id: 1,
      target_status: "GLM_GRACE_PLANNED",
      reason: "recovering a stuck task",
      expected_current_status: "CODEX_TASK_CREATED",
    },
    key: "reason",
  },
  "workpackage.force_reset": {
    as: "codex",
    args: { work_package_id: 1, reason: "recovering a stuck package", expected_current_status: "ASSIGNED" },
    key: "reason",
  },
  "continuation.ack": {
    as: "codex",
    args: {
      continuation_id: "cont_0000000000000000",
      source_event_id: "evt_1",
      attempt_id: "att_0000000000000000",
    },
    key: "continuation_id",
  },
  "continuation.resolve": {
    as: "codex",
    args: {
      continuation_id: "cont_0000000000000000",
      source_event_id: "evt_1",
      attempt_id: "att_0000000000000000",
    },
    key: "continuation_id",
  },
  "continuation.get": {
    as: "codex",
    args: { continuation_id: "cont_0000000000000000" },
    key: "continuation_id",
  },
  "continuation.requeue_dead_letter": {
    as: "codex",
    args: { continuation_id: "cont_0000000000000000", reason: "controller fixed, retry" },
    key: "continuation_id",
  },
};

const TOOLS = allTools({ wait: { toolCallLimitSeconds: 60, transportGraceSeconds: 10 } });
/** Arguments the schema lets a caller omit; their absence is refused (if at all) by a service rule. */
const OPTIONAL_KEYS = new Set(
  TOOLS.flatMap((t) =>
    Object.entries(t.input.shape)
      .filter(([, schema]) => (schema as { isOptional(): boolean }).isOptional())
      .map(([key]) => `${t.name}.${key}`),
  ),
);

function variants(
  args: Record<string, unknown>,
  key: string | undefined,
): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [
    ["unknown field", { ...args, surprise: true }],
    ["oversized unknown field", { ...args, note: MEGABYTE }],
  ];
  if (key === undefined) return out;
  const { [key]: _dropped, ...without } = args;
  const wrong = typeof args[key] === "number" ? "1" : 12345;
  out.push(
    ["missing", without],
    ["wrong-typed", { ...args, [key]: wrong }],
    [
      "empty",
      { ...args, [key]: typeof args[key] === "number" ? 0 : typeof args[key] === "object" ? [] : "" },
    ],
    ["oversized (1 MB)", { ...args, [key]: MEGABYTE }],
  );
  return out;
}

describe("bad input for every tool", () => {
  const dataDir = tempDir("bad-data");
  const repo = tempDir("bad-repo");
  let codex: Connected, glm: Connected;

  beforeAll(async () => {
    [codex, glm] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "glm-1", role: "glm" }),
    ]);
    const project = await call<{ id: number }>(codex, "project.init", {
      name: "p",
      repo_path: repo,
      grace_path: "docs",
      main_branch: "main",
      allowed_test_commands: { unit: ["node", "--test"] },
    });
    await call(codex, "agent.register", {
      project_id: project.id,
      name: "glm-1",
      primary_role: "glm",
      capabilities: ["glm"],
    });
    await call(codex, "task.create_codex_task", {
      ...VALID["task.create_codex_task"]!.args,
      project_id: project.id,
    });
  });
  afterAll(async () => {
    await Promise.all([codex?.close(), glm?.close()]);
  });

  test("every registered tool has a bad-input case", () => {
    expect(TOOLS.map((t) => t.name).sort()).toEqual(Object.keys(VALID).sort());
  });

  const cases = Object.entries(VALID).flatMap(([tool, v]) =>
    variants(v.args, v.key).map(([kind, args]) => [tool, kind, v.as, args] as const),
  );
  test.each(cases)("%s: %s argument is refused and writes nothing", async (tool, kind, as, rawArgs) => {
    const args = JSON.parse(JSON.stringify(rawArgs).replace('"<repo>"', JSON.stringify(repo))) as Record<
      string,
      unknown
    >;
    const before = snapshotLedger(dataDir);
    const message = await callError(as === "codex" ? codex : glm, tool, args);
    // Every variant but "empty" is malformed for the schema itself, so the refusal must come from
    // input validation, before any lookup (an unknown id must not be what refuses it). "Empty" may
    // be a well-typed value that a service rule refuses.
    const optional = kind === "missing" && OPTIONAL_KEYS.has(`${tool}.${VALID[tool]!.key}`);
    if (kind === "empty" || optional)
      expect(message).toMatch(/Input validation error|must|require|not|Unrecognized/);
    else expect(message).toMatch(/^MCP error -32602: Input validation error/);
    expect(message.length).toBeLessThan(2_000);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
    expect(snapshotLedger(dataDir)).toEqual(before);
  });
});
