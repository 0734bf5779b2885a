import { spawnSync } from "node:child_process";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { num, parsed } from "../helpers/answer.js";
import { openLedger } from "../../src/ledger/database.js";
import { allTools } from "../../src/tools/index.js";
import { FAKE_MIMO, tellExit, writeFakeMimoConfig } from "../helpers/fake-mimo-world.js";
import { git } from "../helpers/git-repo.js";
import {
  ACTORS,
  commitFiles,
  createPackage,
  createTask,
  makeGraceRepo,
  PACKET_ARGS,
  planCreatedTask,
  planTask,
  STORE,
  submit,
  workerReport,
  type Call,
  type Result,
  type Who,
} from "../helpers/git-repo-lifecycle.js";
import {
  call,
  callError,
  connect,
  minimalTaskArgs,
  resultText,
  tempDir,
  type Connected,
} from "../helpers/mcp-client.js";
import { snapshotLedger } from "../helpers/ledger-snapshot.js";

const MEGABYTE = "x".repeat(1024 * 1024);

/**
 * The records the fixture below creates, in creation order on a fresh ledger, each in the state
 * its tool's valid call needs, so every valid case succeeds alone and in any order.
 */
const ID = {
  project: 1,
  task: 1, // planned (GLM_TESTS_PREPARED): reads and the packages below
  taskToPlan: 2,
  taskToVerify: 3,
  taskAccepted: 4, // its package GLM_ACCEPTED
  taskInFinalReview: 5,
  taskClosed: 6,
  taskToComplete: 7, // planned, no packages
  taskAllCancelled: 8,
  taskToForce: 9, // CODEX_TASK_CREATED
  taskToAddPackage: 10, // planned, no packages
  taskToEscalate: 11,
  taskToAssign: 12, // its one package created, not assigned
  pkg: 1, // assigned: reads; the Mimo sessions are on it
  pkgToClaim: 2,
  pkgToCancel: 3,
  pkgToReassign: 4,
  pkgToReassignByController: 5,
  pkgToSubmit: 6, // claimed by junior-1, a commit ready
  pkgToReview: 7, // submitted
  pkgToLaunch: 8,
  pkgToReset: 9,
  pkgClaimed: 10,
  pkgToRepair: 11, // REPAIR_REQUIRED
  pkgToAssign: 16,
  sessionDetached: 1,
  sessionPrepared: 2,
  sessionOrphaned: 3,
  sessionToClose: 4,
  sessionHeadlessNotOwned: 5,
} as const;

/**
 * For every tool: arguments the tool accepts against the fixture below (its "valid" case must
 * succeed, so a schema or rule refusing everything fails it), the identity that calls it, and the
 * argument each bad variant corrupts. "<name>" strings are fixture values (commits, reports).
 * `refusedBy`: no tool can create the record a success needs; the valid case must then reach this
 * service refusal instead of the schema's. A tool missing here fails the coverage test below.
 */
const VALID: Record<string, { as: Who; args: Record<string, unknown>; key?: string; refusedBy?: RegExp }> = {
  "orchestrator.whoami": { as: "codex", args: {} },
  "project.init": {
    as: "codex",
    args: { name: "second", repo_path: "<spare-repo>", grace_path: "docs", main_branch: "main" },
    key: "name",
  },
  "project.set_test_commands": {
    as: "codex",
    args: { project_id: 1, allowed_test_commands: { unit: ["node", "-e", "process.exit(0)"] } },
    key: "allowed_test_commands",
  },
  "agent.register": {
    as: "codex",
    args: {
      project_id: 1,
      name: "new-agent",
      primary_role: "worker_junior",
      capabilities: ["worker_junior"],
    },
    key: "name",
  },
  "agent.set_availability": {
    as: "codex",
    args: { project_id: 1, name: "spare-1", availability: "unavailable" },
    key: "name",
  },
  "role.delegate": {
    as: "codex",
    args: {
      project_id: 1,
      task_id: null,
      unavailable_role: "worker_pro",
      substitute_actor: "tester-1",
      reason: "owner away",
      expires_at: "2099-01-01T00:00:00Z",
    },
    key: "reason",
  },
  "role.revoke": { as: "codex", args: { delegation_id: 1, reason: "done" }, key: "reason" },
  "task.create_codex_task": {
    as: "codex",
    args: minimalTaskArgs(1),
    key: "title",
  },
  "task.get": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "task.plan": { as: "glm", args: { task_id: ID.taskToPlan }, key: "task_id" },
  "task.get_next_action": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "verification.register_plan": {
    as: "glm",
    args: { task_id: ID.taskToVerify, test_strategy: "s", test_commands: ["unit"] },
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
    args: { task_id: ID.taskToEscalate, reason: "a person must choose the API shape" },
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
    as: "junior",
    args: { work_package_id: ID.pkgClaimed, event_type: "WORKER_BLOCKED", message: "stuck" },
    key: "event_type",
  },
  "workpackage.create": {
    as: "glm",
    args: {
      task_id: ID.taskToAddPackage,
      title: "p",
      objective: "o",
      allowed_files: ["src/**"],
      forbidden_files: [],
      assigned_junior_agent: "junior-1",
      assigned_pro_agent: "pro-1",
      base_commit: "HEAD",
      ...PACKET_ARGS,
    },
    key: "task_id",
  },
  "workpackage.assign": { as: "glm", args: { work_package_id: ID.pkgToAssign }, key: "work_package_id" },
  "workpackage.reassign": {
    as: "codex",
    args: { work_package_id: ID.pkgToReassign, assigned_junior_agent: "junior-1", reason: "r" },
    key: "work_package_id",
  },
  "workpackage.reassign_by_controller": {
    as: "codex",
    args: { work_package_id: ID.pkgToReassignByController, assigned_junior_agent: "junior-1", reason: "r" },
    key: "work_package_id",
  },
  "workpackage.claim": { as: "junior", args: { work_package_id: ID.pkgToClaim }, key: "work_package_id" },
  "workpackage.cancel": {
    as: "glm",
    args: { work_package_id: ID.pkgToCancel, reason: "r" },
    key: "work_package_id",
  },
  "workpackage.get_summary": { as: "glm", args: { work_package_id: 1 }, key: "work_package_id" },
  "task.get_summary": { as: "glm", args: { task_id: 1 }, key: "task_id" },
  "task.recover_cancelled_packages": {
    as: "codex",
    args: { task_id: ID.taskAllCancelled, reason: "r" },
    key: "task_id",
  },
  "submission.create": {
    as: "junior",
    args: {
      work_package_id: ID.pkgToSubmit,
      summary: "s",
      head_commit: "<submit-head>",
      tests_run: [],
      risk_notes: "",
      worker_report: "<submit-report>",
    },
    key: "work_package_id",
  },
  "submission.controller_repair": {
    as: "codex",
    args: {
      work_package_id: ID.pkgToRepair,
      summary: "s",
      head_commit: "<repair-head>",
      tests_run: [],
      risk_notes: "",
      controller_report: "<repair-report>",
    },
    key: "work_package_id",
  },
  "submission.controller_task_completion": {
    as: "codex",
    args: {
      task_id: ID.taskToComplete,
      summary: "s",
      base_commit: "<base>",
      head_commit: "<completion-head>",
      tests_run: [],
      risk_notes: "",
      controller_report: "<completion-report>",
    },
    key: "task_id",
  },
  "review.glm_submit": {
    as: "glm",
    args: { target_id: ID.pkgToReview, decision: "accepted", findings: [], required_fixes: [] },
    key: "target_id",
  },
  "task.request_final_review": { as: "codex", args: { task_id: ID.taskAccepted }, key: "task_id" },
  "review.codex_submit": {
    as: "codex",
    args: { task_id: ID.taskInFinalReview, decision: "accepted", findings: [], required_fixes: [] },
    key: "task_id",
  },
  "task.close": { as: "codex", args: { task_id: ID.taskClosed }, key: "task_id" },
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
  "mimo.launch_package": {
    as: "glm",
    args: { work_package_id: ID.pkgToLaunch, mode: "tui" },
    key: "work_package_id",
  },
  "mimo.get_session": { as: "glm", args: { session_id: ID.sessionDetached }, key: "session_id" },
  "mimo.poll_session": { as: "glm", args: { session_id: ID.sessionDetached }, key: "session_id" },
  // Only a headless child this very server process started can be cancelled, and no tool starts
  // one (dispatch is TUI-only): the valid case must get past the schema to this service rule.
  "mimo.cancel_session": {
    as: "glm",
    args: { session_id: ID.sessionHeadlessNotOwned },
    key: "session_id",
    refusedBy: /^Mimo session is not a service-owned active headless process$/,
  },
  "mimo.recover_prepared_session": {
    as: "glm",
    args: { session_id: ID.sessionPrepared, observation: "gone" },
    key: "observation",
  },
  "mimo.recover_orphaned_running_session": {
    as: "glm",
    args: { session_id: ID.sessionOrphaned, observation: "gone" },
    key: "observation",
  },
  "mimo.record_tui_closed": {
    as: "glm",
    args: { session_id: ID.sessionToClose, observation: "closed" },
    key: "observation",
  },
  "mimo.cleanup_worktrees": { as: "glm", args: { project_id: 1, older_than_hours: 24 }, key: "project_id" },
  "task.force_transition": {
    as: "codex",
    args: {
      entity_type: "task",
      entity_id: ID.taskToForce,
      target_status: "GLM_GRACE_PLANNED",
      reason: "recovering a stuck task",
      expected_current_status: "CODEX_TASK_CREATED",
    },
    key: "reason",
  },
  "workpackage.force_reset": {
    as: "codex",
    args: {
      work_package_id: ID.pkgToReset,
      reason: "recovering a stuck package",
      expected_current_status: "ASSIGNED",
    },
    key: "reason",
  },
  "continuation.ack": {
    as: "codex",
    args: { continuation_id: "cont_claimed", source_event_id: "evt_1", attempt_id: "att_1" },
    key: "continuation_id",
  },
  "continuation.resolve": {
    as: "codex",
    args: { continuation_id: "cont_acknowledged", source_event_id: "evt_2", attempt_id: "att_2" },
    key: "continuation_id",
  },
  "continuation.get": {
    as: "codex",
    args: { continuation_id: "cont_claimed" },
    key: "continuation_id",
  },
  "continuation.requeue_dead_letter": {
    as: "codex",
    args: { continuation_id: "cont_dead", reason: "controller fixed, retry" },
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

/** Replaces every "<name>" string in the arguments with the fixture's value of that name. */
function resolve(value: unknown, fixture: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === "string" && /^<[a-z-]+>$/.test(value)) {
    if (!fixture.has(value)) throw new Error(`the fixture has no ${value}`);
    return fixture.get(value);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, fixture));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, fixture)]));
  return value;
}

/** Rows no tool can create directly: Mimo sessions in each state, continuation deliveries. */
function seedSessionsAndDeliveries(dataDir: string): void {
  const db = openLedger(dataDir);
  try {
    const now = new Date().toISOString();
    // A process that has exited: its pid names no process with this start time any more.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const session = db.prepare(
      `INSERT INTO mimo_sessions (project_id, task_id, work_package_id, requested_by_agent, assigned_agent, assigned_role,
         mode, lifecycle_state, pid, process_started_at_os, created_at)
       VALUES (@project, @task, @pkg, 'glm-1', 'junior-1', 'worker_junior', @mode, @state, @pid, @started, @now)`,
    );
    const sessions = [
      ["tui", "TUI_DETACHED", null],
      ["tui", "PREPARED", null],
      ["headless", "RUNNING", gone],
      ["tui", "TUI_DETACHED", null],
      ["headless", "RUNNING", gone],
    ] as const;
    sessions.forEach(([mode, state, pid], i) => {
      const id = session.run({
        project: ID.project,
        task: ID.task,
        pkg: ID.pkg,
        mode,
        state,
        pid,
        started: pid && "1",
        now,
      }).lastInsertRowid;
      expect(Number(id)).toBe(i + 1);
    });
    const delivery = db.prepare(
      `INSERT INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_id, next_attempt_at, created_at)
       VALUES (@id, @run, @event, @state, @attempt, @now, @now)`,
    );
    const run = `project-${ID.project}/task-${ID.task}/package-${ID.pkg}`;
    for (const [id, event, state, attempt] of [
      ["cont_claimed", "evt_1", "CLAIMED", "att_1"],
      ["cont_acknowledged", "evt_2", "ACKNOWLEDGED", "att_2"],
      ["cont_dead", "evt_3", "DEAD_LETTER", "att_3"],
    ] as const)
      delivery.run({ id, run, event, state, attempt, now });
  } finally {
    db.close();
  }
}

describe("bad input for every tool", () => {
  const dataDir = tempDir("bad-data");
  const records = tempDir("bad-mimo-records");
  const { repo, base } = makeGraceRepo();
  const mimoEnv = {
    GRACE_ORCHESTRATOR_MIMO_COMMAND: FAKE_MIMO,
    XDG_CONFIG_HOME: writeFakeMimoConfig(tempDir("bad-mimo-xdg"), { record_dir: records }),
  };
  const servers = {} as Record<Who, Connected>;
  const fixture = new Map<string, unknown>([
    ["<spare-repo>", tempDir("bad-spare-repo")],
    ["<base>", base],
  ]);
  const run: Call = (who, tool, args = {}) => call<Result>(servers[who], tool, args);
  const launched: number[] = [];

  /** A commit on main and the report of exactly the files it changed since the base. */
  const commitWithReport = (taskId: number, pkgId: number, file: string, text: string) => {
    const head = commitFiles(repo, { [file]: text });
    const files = git(repo, "diff", "--name-only", base, head).split("\n").filter(Boolean);
    return { head, files, report: workerReport(taskId, pkgId, files) };
  };
  const expectId = (record: Result, id: number) => expect(record.id).toBe(id);

  /** A planned task whose one package GLM accepted. */
  async function acceptedTask(id: number, pkgId: number): Promise<void> {
    expectId(await createTask(run, ID.project), id);
    await planCreatedTask(run, id);
    expectId(await createPackage(run, id, base), pkgId);
    await run("junior", "workpackage.claim", { work_package_id: pkgId });
    await submit(run, "junior", id, pkgId, commitFiles(repo, { [STORE]: `// task ${id}\n` }), [STORE]);
    await run("glm", "review.glm_submit", {
      target_id: pkgId,
      decision: "accepted",
      findings: [],
      required_fixes: [],
    });
  }

  /** workpackage.create arguments that pass the packet gate. */
  const packageArgs = (taskId: number) => ({
    ...VALID["workpackage.create"]!.args,
    ...PACKET_ARGS,
    task_id: taskId,
    base_commit: base,
  });

  /** The project, its agents, a delegation to revoke, and the tasks to plan and to verify. */
  async function projectAgentsAndFirstTasks(): Promise<void> {
    // pro-1 unavailable: worker_pro can be delegated, and Codex may repair a package itself.
    const planned = await planTask(run, repo, { proAvailable: false });
    expect(planned).toEqual({ projectId: ID.project, taskId: ID.task });
    await run("codex", "agent.register", {
      project_id: ID.project,
      name: "spare-1",
      primary_role: "worker_junior",
      capabilities: ["worker_junior"],
    });
    await run("codex", "agent.register", {
      project_id: ID.project,
      name: "tester-1",
      primary_role: "test_owner",
      capabilities: ["test_owner", "worker_pro"],
    });
    await run("codex", "role.delegate", { ...VALID["role.delegate"]!.args }); // delegation 1, for role.revoke
    expectId(await createTask(run, ID.project), ID.taskToPlan);
    expectId(await createTask(run, ID.project), ID.taskToVerify);
    await run("glm", "task.plan", { task_id: ID.taskToVerify });
  }

  /**
   * The first task's packages, each in the state its tool needs; all are created before the
   * first assignment, which closes the task to new packages.
   */
  async function packagesOfTheFirstTask(): Promise<void> {
    for (let id: number = ID.pkg; id <= ID.pkgToRepair; id += 1)
      expectId(await run("glm", "workpackage.create", packageArgs(ID.task)), id);
    for (let id: number = ID.pkg; id <= ID.pkgToRepair; id += 1)
      await run("glm", "workpackage.assign", { work_package_id: id });
    for (const id of [ID.pkgToSubmit, ID.pkgToReview, ID.pkgClaimed, ID.pkgToRepair])
      await run("junior", "workpackage.claim", { work_package_id: id });
    for (const id of [ID.pkgToReview, ID.pkgToRepair]) {
      const { head, report } = commitWithReport(ID.task, id, STORE, `// package ${id}\n`);
      await run("junior", "submission.create", {
        work_package_id: id,
        summary: "s",
        head_commit: head,
        tests_run: [],
        risk_notes: "",
        worker_report: report,
      });
    }
    await run("glm", "review.glm_submit", {
      target_id: ID.pkgToRepair,
      decision: "rejected_repair_required",
      findings: ["wrong"],
      required_fixes: ["fix"],
    });
    const submitted = commitWithReport(ID.task, ID.pkgToSubmit, STORE, "// worker change\n");
    fixture.set("<submit-head>", submitted.head).set("<submit-report>", submitted.report);
    const repair = commitWithReport(ID.task, ID.pkgToRepair, STORE, "// controller repair\n");
    fixture.set("<repair-head>", repair.head).set("<repair-report>", repair.report);
  }

  /** Tasks whose package GLM accepted: one to send to final review, one in it, one closed. */
  async function tasksThroughReview(): Promise<void> {
    await acceptedTask(ID.taskAccepted, 12);
    await acceptedTask(ID.taskInFinalReview, 13);
    await run("codex", "task.request_final_review", { task_id: ID.taskInFinalReview });
    await acceptedTask(ID.taskClosed, 14);
    await run("codex", "task.request_final_review", { task_id: ID.taskClosed });
    await run("codex", "review.codex_submit", {
      ...VALID["review.codex_submit"]!.args,
      task_id: ID.taskClosed,
    });
  }

  /**
   * Tasks for controller completion, cancel-all recovery, force transition, a new package,
   * escalation and assignment.
   */
  async function tasksInOtherStates(): Promise<void> {
    expectId(await createTask(run, ID.project), ID.taskToComplete);
    await planCreatedTask(run, ID.taskToComplete);
    const completion = commitWithReport(ID.taskToComplete, 0, "src/orderdesk/api.ts", "// codex did it\n");
    fixture.set("<completion-head>", completion.head).set("<completion-report>", completion.report);

    expectId(await createTask(run, ID.project), ID.taskAllCancelled);
    await planCreatedTask(run, ID.taskAllCancelled);
    await run("glm", "workpackage.cancel", {
      work_package_id: (await createPackage(run, ID.taskAllCancelled, base)).id,
      reason: "r",
    });
    // Cancelling the last package returns the task to GLM_TESTS_PREPARED; the recovery is for a
    // task left in the package phase with no live package.
    await run("codex", "task.force_transition", {
      entity_type: "task",
      entity_id: ID.taskAllCancelled,
      target_status: "WORK_PACKAGES_ASSIGNED",
      reason: "a task stuck in the package phase",
      expected_current_status: "GLM_TESTS_PREPARED",
    });
    expectId(await createTask(run, ID.project), ID.taskToForce);
    expectId(await createTask(run, ID.project), ID.taskToAddPackage);
    await planCreatedTask(run, ID.taskToAddPackage);
    expectId(await createTask(run, ID.project), ID.taskToEscalate);
    expectId(await createTask(run, ID.project), ID.taskToAssign);
    await planCreatedTask(run, ID.taskToAssign);
    expectId(await run("glm", "workpackage.create", packageArgs(ID.taskToAssign)), ID.pkgToAssign);
  }

  beforeAll(async () => {
    await Promise.all(
      (Object.keys(ACTORS) as Who[]).map(async (who) => {
        servers[who] = await connect(dataDir, ACTORS[who], who === "glm" ? mimoEnv : {});
      }),
    );
    await projectAgentsAndFirstTasks();
    await packagesOfTheFirstTask();
    await tasksThroughReview();
    await tasksInOtherStates();
    seedSessionsAndDeliveries(dataDir);
  }, 120_000);
  afterAll(async () => {
    for (const pid of launched) tellExit(records, pid);
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  test("every registered tool has a bad-input case", () => {
    expect(TOOLS.map((t) => t.name).sort()).toEqual(Object.keys(VALID).sort());
  });

  const cases = Object.entries(VALID).flatMap(([tool, v]) => [
    [tool, "valid", v.as, v.args] as const,
    ...variants(v.args, v.key).map(([kind, args]) => [tool, kind, v.as, args] as const),
  ]);
  test.each(cases)("%s: %s arguments", async (tool, kind, as, rawArgs) => {
    const args = resolve(rawArgs, fixture) as Record<string, unknown>;
    if (kind === "valid") {
      const answer = (await servers[as].client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = resultText(answer);
      const refusedBy = VALID[tool]!.refusedBy;
      if (refusedBy) {
        expect(answer.isError).toBe(true);
        expect(text).toMatch(refusedBy);
      } else expect(answer.isError, text).toBeFalsy();
      if (tool === "mimo.launch_package" && !answer.isError) launched.push(num(parsed(text), "pid"));
      return;
    }
    const before = snapshotLedger(dataDir);
    const message = await callError(servers[as], tool, args);
    // Every variant but "empty" is malformed for the schema itself, so the refusal must come from
    // input validation, before any lookup (an unknown id must not be what refuses it). "Empty" may
    // be a well-typed value that a service rule refuses, in words that say what the value must be,
    // never a lookup's "does not exist".
    const optional = kind === "missing" && OPTIONAL_KEYS.has(`${tool}.${VALID[tool]!.key}`);
    if (kind === "empty" || optional) {
      expect(message).toMatch(/Input validation error|must|require|Unrecognized/);
      expect(message).not.toMatch(/does not exist|not found/i);
    } else expect(message).toMatch(/^MCP error -32602: Input validation error/);
    expect(message.length).toBeLessThan(2_000);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
    expect(snapshotLedger(dataDir)).toEqual(before);
  });
});
