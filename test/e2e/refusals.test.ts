import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TASK_STATUSES } from "../../src/domain/task-states.js";
import { LEDGER_FILE } from "../../src/ledger/database.js";
import {
  commitFiles,
  createPackage,
  createTask,
  makeGraceRepo,
  packageArgs,
  planCreatedTask,
  planTask,
  STORE,
  submit,
  type Who,
} from "../helpers/git-repo-lifecycle.js";
import {
  call,
  callError,
  connect,
  createMinimalTask,
  tempDir,
  type Connected,
} from "../helpers/mcp-client.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

const dataDir = tempDir("refusals-data");
const repo = tempDir("refusals-repo");
const MISSING = 424242;
let codex: Connected;
let projectId: number;

beforeAll(async () => {
  codex = await connect(dataDir, { name: "codex-main", role: "codex" });
  projectId = (
    await call<{ id: number }>(codex, "project.init", {
      name: "p",
      repo_path: repo,
      grace_path: ".",
      main_branch: "main",
    })
  ).id;
});
afterAll(async () => {
  await codex?.close();
});

describe("every not-found refusal over MCP names the record kind and the id the caller gave", () => {
  const cases: [string, () => Record<string, unknown>, string][] = [
    ["task.get", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    ["task.plan", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    ["task.get_next_action", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    ["task.get_summary", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    ["task.request_final_review", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    ["task.close", () => ({ task_id: MISSING }), `Task ${MISSING} does not exist`],
    [
      "workpackage.get_summary",
      () => ({ work_package_id: MISSING }),
      `Work package ${MISSING} does not exist`,
    ],
    ["workpackage.assign", () => ({ work_package_id: MISSING }), `Work package ${MISSING} does not exist`],
    [
      "workpackage.cancel",
      () => ({ work_package_id: MISSING, reason: "no longer needed here" }),
      `Work package ${MISSING} does not exist`,
    ],
    ["handoff.list_events", () => ({ work_package_id: MISSING }), `Work package ${MISSING} does not exist`],
    ["mimo.launch_package", () => ({ work_package_id: MISSING }), `Work package ${MISSING} does not exist`],
    ["mimo.get_session", () => ({ session_id: MISSING }), `Mimo session ${MISSING} does not exist`],
    [
      "role.revoke",
      () => ({ delegation_id: MISSING, reason: "not needed any more" }),
      `Role delegation ${MISSING} does not exist`,
    ],
    [
      "project.set_test_commands",
      () => ({ project_id: MISSING, allowed_test_commands: {} }),
      `Project ${MISSING} does not exist`,
    ],
    ["repo.status", () => ({ project_id: MISSING }), `Project ${MISSING} does not exist`],
    [
      "continuation.get",
      () => ({ continuation_id: "cont_0000000000000000" }),
      "Continuation delivery cont_0000000000000000 does not exist",
    ],
    [
      "agent.set_availability",
      () => ({ project_id: projectId, name: "ghost", availability: "available" }),
      "Agent 'ghost' is not registered in project 1", // the first project of a fresh ledger
    ],
  ];
  test.each(cases)("%s", async (tool, args, expected) => {
    expect(await callError(codex, tool, args())).toContain(expected);
  });
});

/**
 * A value outside a tool argument's enum is refused by the argument schema, before any service rule;
 * the refusal names the records the call named.
 */
const INVALID = "MCP error -32602: Input validation error: Invalid arguments for tool ";

describe("refusals of a value outside a fixed set name the field and every allowed value", () => {
  test("agent.register: capabilities and primary_role", async () => {
    const base = { project_id: projectId, name: "glm-1", primary_role: "glm", capabilities: ["glm"] };
    const roles = "user, codex, glm, test_owner, worker_junior, worker_pro";
    expect(await callError(codex, "agent.register", { ...base, capabilities: ["glm", "planner"] })).toBe(
      `${INVALID}agent.register (project ${projectId}): must be one of ${roles}, got "planner" at capabilities[1]`,
    );
    expect(await callError(codex, "agent.register", { ...base, primary_role: "boss" })).toBe(
      `${INVALID}agent.register (project ${projectId}): must be one of ${roles}, got "boss" at primary_role`,
    );
    expect(await callError(codex, "agent.register", { ...base, availability: "away" })).toBe(
      `${INVALID}agent.register (project ${projectId}): must be one of available, unavailable, got "away" at availability`,
    );
  });

  test("review decisions name the decision field and its three values", async () => {
    expect(
      await callError(codex, "review.codex_submit", {
        task_id: MISSING,
        decision: "maybe",
        findings: [],
        required_fixes: [],
      }),
    ).toContain('must be one of accepted, rejected_repair_required, blocked, got "maybe" at decision');
  });
});

test("a record named under the wrong parent says whose it is", async () => {
  const taskId = await createMinimalTask(codex, projectId);
  const other = await call<{ id: number }>(codex, "project.init", {
    name: "other",
    repo_path: tempDir("refusals-repo2"),
    grace_path: ".",
    main_branch: "main",
  });
  expect(
    await callError(codex, "repo.run_tests", {
      project_id: other.id,
      task_id: taskId,
      work_package_id: null,
      command_key: "unit",
    }),
  ).toBe(`Task ${taskId} belongs to project ${projectId}, not project ${other.id}`);
});

describe("project.init is idempotent per repository", () => {
  test("the same repo and name returns the existing project; nothing is duplicated", async () => {
    const again = await call<{ id: number; name: string }>(codex, "project.init", {
      name: "p",
      repo_path: repo,
      grace_path: ".",
      main_branch: "main",
    });
    expect(again).toMatchObject({ id: projectId, name: "p" });
    const db = new Database(path.join(dataDir, LEDGER_FILE), { readonly: true });
    try {
      expect(db.prepare("SELECT id FROM projects WHERE repo_path = ?").all(repo)).toEqual([
        { id: projectId },
      ]);
      expect(
        db
          .prepare(
            "SELECT COUNT(*) AS n FROM audit_log WHERE event_type = 'project.initialized' AND target_id = ?",
          )
          .get(projectId),
      ).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  test("another name for the same repo is refused, naming the existing project", async () => {
    expect(
      await callError(codex, "project.init", {
        name: "other",
        repo_path: repo,
        grace_path: ".",
        main_branch: "main",
      }),
    ).toContain(`Project ${projectId} 'p' already uses repo_path`);
  });
});

describe("state refusals over MCP name the record, the field and every value the rule allows", () => {
  const { world } = useMcpWorld("refusals-state");
  const { repo, base } = makeGraceRepo();
  /** A task still in CODEX_TASK_CREATED, one in GLM_TESTS_PREPARED, and a package in SUBMITTED. */
  const ids = { created: 0, ready: 0, submitted: 0 };
  beforeAll(async () => {
    const { call } = world();
    const planned = await planTask(call, repo);
    ids.created = (await createTask(call, planned.projectId)).id;
    ids.ready = (await createTask(call, planned.projectId)).id;
    await planCreatedTask(call, ids.ready);
    const pkg = await createPackage(call, planned.taskId, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    await submit(call, "junior", planned.taskId, pkg.id, commitFiles(repo, { [STORE]: "// ok\n" }), [STORE]);
    ids.submitted = pkg.id;
  });

  const cases: [string, Who, string, () => Record<string, unknown>, () => string][] = [
    [
      "a package's authority_mode",
      "glm",
      "workpackage.create",
      () => packageArgs(ids.ready, base, { authority_mode: "boss" }),
      () =>
        `New work package of task ${ids.ready}: authority_mode 'boss' is not allowed; ` +
        "authority_mode must be one of codex_led, glm_direct, parallel_mixed",
    ],
    [
      "the Mimo launch mode",
      "glm",
      "mimo.launch_package",
      () => ({ work_package_id: ids.submitted, mode: "headless" }),
      () =>
        `Mimo dispatch of work package ${ids.submitted} is TUI-only: mode 'headless' is not allowed; ` +
        "mode must be one of tui",
    ],
    [
      "the task status a package is created under",
      "glm",
      "workpackage.create",
      () => packageArgs(ids.created, base),
      () =>
        `Work package creation under task ${ids.created}: status 'CODEX_TASK_CREATED' is not allowed; ` +
        "status must be one of GLM_TESTS_PREPARED, WORK_PACKAGES_CREATED, GLM_ACCEPTED",
    ],
    [
      "the task status of a cancel-all recovery",
      "codex",
      "task.recover_cancelled_packages",
      () => ({ task_id: ids.created, reason: "replanning the task" }),
      () =>
        `Cancel-all task recovery of task ${ids.created}: status 'CODEX_TASK_CREATED' is not allowed; ` +
        "status must be one of WORK_PACKAGES_CREATED, WORK_PACKAGES_ASSIGNED, GLM_REJECTED_REPAIR_REQUIRED",
    ],
    [
      "the package status a cancel takes",
      "glm",
      "workpackage.cancel",
      () => ({ work_package_id: ids.submitted, reason: "no longer needed here" }),
      () =>
        `Cancelling work package ${ids.submitted}: status 'SUBMITTED' is not allowed; status must be one of ` +
        "CREATED, ASSIGNED, CLAIMED_JUNIOR, CLAIMED_PRO, REPAIR_REQUIRED, HUMAN_INTERVENTION_REQUIRED",
    ],
    [
      "the package status a reassignment takes",
      "codex",
      "workpackage.reassign",
      () => ({ work_package_id: ids.submitted, assigned_junior_agent: "junior-1", reason: "rebalancing" }),
      () =>
        `Only created or unclaimed assigned packages may be reassigned (work package ${ids.submitted} is ` +
        "SUBMITTED); status must be one of CREATED, ASSIGNED",
    ],
    [
      "the task status a controller completion takes",
      "codex",
      "submission.controller_task_completion",
      () => ({
        task_id: ids.created,
        summary: "s",
        base_commit: base,
        head_commit: base,
        tests_run: [],
        risk_notes: "",
        controller_report: {},
      }),
      () =>
        `Controller task completion requires a planned task with no worker packages (task ${ids.created} ` +
        "is CODEX_TASK_CREATED); status must be one of GLM_GRACE_PLANNED, GLM_TESTS_PREPARED",
    ],
    [
      "a package status forced onto a task",
      "codex",
      "task.force_transition",
      () => ({
        entity_type: "task",
        entity_id: ids.created,
        target_status: "ASSIGNED",
        reason: "operator recovery after a crash",
        expected_current_status: "CODEX_TASK_CREATED",
      }),
      () =>
        `Invalid TaskStatus value for task ${ids.created}: ASSIGNED; ` +
        `target_status must be one of ${TASK_STATUSES.join(", ")}`,
    ],
  ];
  test.each(cases)("%s", async (_what, who, tool, args, expected) => {
    expect(await world().refuse(who, tool, args())).toBe(expected());
  });

  test("a worker event on a package forced to a terminal status names the terminal statuses", async () => {
    const { call, refuse } = world();
    const pkg = await createPackage(call, ids.ready, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    await call("codex", "task.force_transition", {
      entity_type: "work_package",
      entity_id: pkg.id,
      target_status: "CANCELLED",
      reason: "operator stops this package",
      expected_current_status: "CLAIMED_JUNIOR",
      allow_terminal: false,
    });
    expect(
      await refuse("junior", "handoff.report_worker_event", {
        work_package_id: pkg.id,
        event_type: "WORKER_BLOCKED",
        message: "cannot go on",
      }),
    ).toBe(
      `Work package ${pkg.id} is CANCELLED; it takes no more worker events (terminal statuses: GLM_ACCEPTED, CANCELLED)`,
    );
  });
});
