import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringContaining } from "../helpers/matchers.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

const CODEX_TOOLS = [
  "agent.register",
  "agent.set_availability",
  "audit.list",
  "audit.list_page",
  "continuation.ack",
  "continuation.get",
  "continuation.requeue_dead_letter",
  "continuation.resolve",
  "gate.acceptance_review",
  "gate.agent_infra_lint",
  "gate.contract_discovery",
  "gate.validate_execution_packet",
  "gate.validate_worker_report",
  "grace.upsert_artifact",
  "handoff.escalate_to_user",
  "handoff.list_events",
  "handoff.list_events_page",
  "handoff.report_worker_event",
  "handoff.wait_for_event",
  "inbox.list",
  "inbox.next",
  "mimo.cancel_session",
  "mimo.cleanup_worktrees",
  "mimo.connection_profile",
  "mimo.get_session",
  "mimo.launch_package",
  "mimo.poll_session",
  "mimo.record_tui_closed",
  "mimo.recover_orphaned_running_session",
  "mimo.recover_prepared_session",
  "orchestrator.whoami",
  "project.init",
  "project.set_test_commands",
  "repo.diff",
  "repo.run_tests",
  "repo.status",
  "review.codex_submit",
  "review.glm_submit",
  "role.delegate",
  "role.revoke",
  "submission.controller_repair",
  "submission.controller_task_completion",
  "submission.create",
  "task.close",
  "task.create_codex_task",
  "task.force_transition",
  "task.get",
  "task.get_next_action",
  "task.get_summary",
  "task.plan",
  "task.recover_cancelled_packages",
  "task.request_final_review",
  "verification.register_plan",
  "workpackage.assign",
  "workpackage.cancel",
  "workpackage.claim",
  "workpackage.create",
  "workpackage.force_reset",
  "workpackage.get_summary",
  "workpackage.reassign",
  "workpackage.reassign_by_controller",
];
const GLM_TOOLS = [
  "audit.list",
  "audit.list_page",
  "gate.agent_infra_lint",
  "gate.contract_discovery",
  "gate.validate_execution_packet",
  "gate.validate_worker_report",
  "grace.upsert_artifact",
  "handoff.list_events_page",
  "handoff.report_worker_event",
  "inbox.list",
  "inbox.next",
  "mimo.cancel_session",
  "mimo.cleanup_worktrees",
  "mimo.get_session",
  "mimo.launch_package",
  "mimo.poll_session",
  "mimo.record_tui_closed",
  "mimo.recover_orphaned_running_session",
  "mimo.recover_prepared_session",
  "orchestrator.whoami",
  "repo.diff",
  "repo.run_tests",
  "repo.status",
  "review.glm_submit",
  "submission.create",
  "task.get",
  "task.get_next_action",
  "task.get_summary",
  "task.plan",
  "verification.register_plan",
  "workpackage.assign",
  "workpackage.cancel",
  "workpackage.claim",
  "workpackage.create",
  "workpackage.get_summary",
  "workpackage.reassign",
];
const WORKER_TOOLS = [
  "gate.validate_worker_report",
  "handoff.report_worker_event",
  "inbox.list",
  "inbox.next",
  "orchestrator.whoami",
  "repo.run_tests",
  "submission.create",
  "task.get_summary",
  "workpackage.claim",
  "workpackage.get_summary",
];

async function toolNames(c: Connected): Promise<string[]> {
  return (await c.client.listTools()).tools.map((t) => t.name).sort();
}

describe("foundation over MCP with one server process per identity", () => {
  const dataDir = tempDir("e2e-data");
  const repo = tempDir("e2e-repo");
  let codex: Connected, glm: Connected, testOwner: Connected, worker: Connected, user: Connected;

  beforeAll(async () => {
    // Every tool each role's server registers (the per-role sets above); the narrower default
    // listing (what a name's registrations can reach) is tested in tool-reach.test.ts.
    const roleListing = { GRACE_ORCHESTRATOR_TOOL_LIST: "role" };
    [codex, glm, testOwner, worker, user] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }, roleListing),
      connect(dataDir, { name: "glm-1", role: "glm" }, roleListing),
      connect(dataDir, { name: "owner-1", role: "test_owner" }, roleListing),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }, roleListing),
      connect(dataDir, { name: "human", role: "user" }, roleListing),
    ]);
  });
  afterAll(async () => {
    await Promise.all([codex, glm, testOwner, worker, user].map((c) => c?.close()));
  });

  test("each role sees exactly its tool surface", async () => {
    expect(await toolNames(codex)).toEqual(CODEX_TOOLS);
    expect(await toolNames(glm)).toEqual(GLM_TOOLS);
    expect(await toolNames(testOwner)).toEqual(GLM_TOOLS);
    // Worker-capable tools need a registered worker identity, which a user never is.
    const workerOnly = [
      "handoff.report_worker_event",
      "workpackage.claim",
      "submission.create",
      "gate.validate_worker_report",
      "repo.run_tests",
    ];
    // Administrative recovery is user/codex only.
    const adminOnly = [
      "task.force_transition",
      "workpackage.force_reset",
      "continuation.ack",
      "continuation.get",
      "continuation.requeue_dead_letter",
      "continuation.resolve",
    ];
    expect(await toolNames(user)).toEqual(
      [...GLM_TOOLS.filter((t) => !workerOnly.includes(t)), ...adminOnly].sort(),
    );
    expect(await toolNames(worker)).toEqual(WORKER_TOOLS);
  });

  test("whoami reports the identity bound at start, the data dir it serves, and that the ledger does not grant the role yet", async () => {
    expect(await call(glm, "orchestrator.whoami")).toMatchObject({
      actor_id: "actor-glm-1",
      actor_name: "glm-1",
      primary_role: "glm",
      granted_role: null,
      requested_role: "glm",
      authority_problem: stringContaining("agent 'glm-1' is not registered in any project"),
      data_dir: dataDir,
    });
  });

  test("a task goes from creation to GLM_TESTS_PREPARED across processes", async () => {
    const project = await call<{ id: number }>(codex, "project.init", {
      name: "demo",
      repo_path: repo,
      grace_path: "docs",
      main_branch: "main",
      allowed_test_commands: { unit: ["node", "--test"] },
    });
    const task = await call<{ id: number; status: string }>(codex, "task.create_codex_task", {
      project_id: project.id,
      title: "Add a ledger",
      objective: "Persist workflow state",
      architecture_intent: "SQLite behind a service layer",
      constraints: ["no shell"],
      non_goals: ["UI"],
      acceptance_criteria: ["tests pass"],
      allowed_files: ["src/**"],
      forbidden_files: ["src/secrets/**"],
    });
    expect(task.status).toBe("CODEX_TASK_CREATED");

    // GLM is not registered yet: its bound role is not granted by the ledger, nothing changes.
    expect(await callError(glm, "task.plan", { task_id: task.id })).toBe(
      "ACTOR_ROLE_NOT_GRANTED: this server was started as 'glm-1' with role glm (GRACE_ORCHESTRATOR_ACTOR_ROLE), " +
        "but the ledger does not grant that role in any project: agent 'glm-1' is not registered in any project, " +
        "and no active delegation gives it glm. Restart the server with a role the agent is registered for, " +
        "or have codex register or delegate it.",
    );

    await call(codex, "agent.register", {
      project_id: project.id,
      name: "glm-1",
      primary_role: "glm",
      capabilities: ["glm"],
    });
    expect(await call(glm, "task.get_next_action", { task_id: task.id })).toEqual({
      current_state: "CODEX_TASK_CREATED",
      next: { role: "glm", action: "task.plan" },
      blocked_reason: null,
    });
    expect((await call<{ status: string }>(glm, "task.plan", { task_id: task.id })).status).toBe(
      "GLM_GRACE_PLANNED",
    );
    expect(
      await callError(glm, "verification.register_plan", {
        task_id: task.id,
        test_strategy: "unit",
        test_commands: ["e2e"],
      }),
    ).toBe('Verification plan uses unregistered test commands: ["e2e"]');
    const plan = await call<{ revision: number }>(glm, "verification.register_plan", {
      task_id: task.id,
      test_strategy: "unit tests for every rule",
      test_commands: ["unit"],
      risk_coverage: ["lost writes"],
      acceptance_mapping: { "tests pass": ["unit"] },
    });
    expect(plan.revision).toBe(1);

    const seen = await call<{ status: string; allowed_files: string[]; forbidden_files: string[] }>(
      codex,
      "task.get",
      {
        task_id: task.id,
      },
    );
    expect(seen).toMatchObject({
      status: "GLM_TESTS_PREPARED",
      allowed_files: ["src/**"],
      forbidden_files: ["src/secrets/**"],
    });

    const audit = await call<{ result: { event_type: string }[] }>(codex, "audit.list", { task_id: task.id });
    expect(audit.result.map((r) => r.event_type)).toEqual([
      "task.codex_created",
      "hook.on_task_created",
      "task.grace_planned",
      "hook.gate.promote",
      "verification.registered",
      "task.tests_prepared",
      "hook.gate.promote",
    ]);
    // The user is an administrator, not a planner: reading works, planning does not.
    expect((await call<{ status: string }>(user, "task.get", { task_id: task.id })).status).toBe(
      "GLM_TESTS_PREPARED",
    );
    expect(await callError(user, "task.plan", { task_id: task.id })).toMatch(/not authorized for role glm/);
  });

  test("a worker has no codex tools: they do not exist for it", async () => {
    const message = await callError(worker, "task.create_codex_task", { project_id: 1 });
    expect(message).toMatch(/Tool task.create_codex_task not found/);
  });

  test("no tool accepts a role or actor argument", async () => {
    for (const tool of (await codex.client.listTools()).tools) {
      const keys = Object.keys(tool.inputSchema.properties ?? {});
      expect(
        keys.filter(
          (k) =>
            /role|actor/.test(k) &&
            k !== "unavailable_role" &&
            k !== "substitute_actor" &&
            k !== "primary_role",
        ),
      ).toEqual([]);
    }
  });
});
