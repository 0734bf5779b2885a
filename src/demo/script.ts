/** The demo's story: one task from registration to close, each step said in plain words. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_WORKER_REPORT_FIELDS } from "../gates/labels.js";
import { exampleWorkerReport } from "./worker-report.js";
import { git, type Result, type World } from "./world.js";
import { processProgramSearch } from "../config/program-search.js";
import { continuationId } from "../continuation/ids.js";
import { runId } from "../handoff/run-paths.js";

export type Say = (text: string) => void;

const STORE = "src/orderdesk/store.ts";

export interface Planned {
  projectId: number;
  taskId: number;
  packageId: number;
}

async function registerProject(w: World, say: Say): Promise<number> {
  const project = await w.call("codex", "project.init", {
    name: "orderdesk",
    repo_path: w.paths.repo,
    grace_path: "docs",
    main_branch: "main",
    allowed_test_commands: { unit: [process.execPath, "-e", "process.exit(0)"] },
  });
  say(`Codex registers the project #${String(project.id)} (${w.paths.repo}).`);
  const register = (name: string, role: string, model?: string) =>
    w.call("codex", "agent.register", {
      project_id: project.id,
      name,
      primary_role: role,
      capabilities: [role],
      availability: "available",
      ...(model ? { mimo_model: model } : {}),
    });
  await register("glm-1", "glm");
  await register("junior-1", "worker_junior", "xiaomi/mimo-v2.5");
  await register("pro-1", "worker_pro", "zai/glm-4.7-flash");
  say("Codex registers the agents: GLM glm-1 (planner and reviewer), junior-1 and pro-1 (Mimo workers).");
  return Number(project.id);
}

export async function plan(w: World, say: Say): Promise<Planned> {
  const projectId = await registerProject(w, say);
  const task = await w.call("codex", "task.create_codex_task", {
    project_id: projectId,
    title: "Reject duplicate orders",
    objective: "saveOrder refuses an id it already stored",
    architecture_intent: "Keep persistence behind M-SRC",
    constraints: ["no shell"],
    non_goals: ["HTTP"],
    acceptance_criteria: ["a duplicate id raises DUPLICATE_ORDER"],
    allowed_files: ["src/**"],
    forbidden_files: [],
  });
  say(`Codex creates task #${String(task.id)}: "Reject duplicate orders".`);
  await w.call("glm", "task.plan", { task_id: task.id });
  await w.call("glm", "verification.register_plan", {
    task_id: task.id,
    test_strategy: "unit tests per module",
    test_commands: ["unit"],
  });
  say("GLM plans the task and registers its verification plan (the 'unit' command).");
  const pkg = await w.call("glm", "workpackage.create", {
    task_id: task.id,
    title: "Refuse duplicate ids in saveOrder",
    objective: "saveOrder throws DUPLICATE_ORDER when the id is already stored",
    base_commit: w.base,
    allowed_files: ["src/orderdesk/**"],
    forbidden_files: ["src/orderdesk/generated/**"],
    assigned_junior_agent: "junior-1",
    assigned_pro_agent: "pro-1",
    test_surface: ["unit"],
    commands_allowed: ["unit"],
    rollback_boundary: "reset to the package base commit",
    stop_conditions: ["a change outside the allowed files is needed"],
    compact_report_format: [...DEFAULT_WORKER_REPORT_FIELDS],
  });
  await w.call("glm", "workpackage.assign", { work_package_id: pkg.id });
  say(
    `GLM cuts work package #${String(pkg.id)} (contract discovery found M-SRC) and assigns it to junior-1.`,
  );
  return { projectId, taskId: Number(task.id), packageId: Number(pkg.id) };
}

export interface Worked {
  head: string;
  sessionId: number;
  pid: number;
}

/** GLM launches Mimo; the worker claims, commits in its worktree. */
export async function work(w: World, p: Planned, say: Say): Promise<Worked> {
  const session = await w.call("glm", "mimo.launch_package", { work_package_id: p.packageId, mode: "tui" });
  say(
    `GLM launches Mimo for junior-1: session #${String(session.id)}, pid ${String(session.pid)}, worktree ${String(session.workspace_path)}.`,
  );
  await w.call("junior", "workpackage.claim", { work_package_id: p.packageId });
  say("junior-1 (inside Mimo, through its own server process) claims the package.");
  const tree = String(session.workspace_path);
  fs.writeFileSync(
    path.join(tree, STORE),
    "export const orders = new Map();\nexport const DUPLICATE = 'DUPLICATE_ORDER';\n",
  );
  git(tree, "add", "-A");
  git(
    tree,
    "-c",
    "user.name=junior-1",
    "-c",
    "user.email=junior@example.invalid",
    "commit",
    "-q",
    "-m",
    "duplicate check",
  );
  const head = git(tree, "rev-parse", "HEAD");
  say(`junior-1 commits ${head.slice(0, 10)} in its worktree.`);
  return { head, sessionId: Number(session.id), pid: Number(session.pid) };
}

/**
 * The worker blocks; Codex, waiting in another process, wakes at once and holds the event, so the
 * supervisor launches no second controller, and resolves it once handled. Then the worker asks again while no Codex waits: the
 * supervisor relaunches a controller.
 */
export async function blockAndContinue(w: World, p: Planned, say: Say): Promise<void> {
  const seen = await w.call("codex", "handoff.list_events_page", {
    work_package_id: p.packageId,
    limit: 200,
  });
  const wait = w.call("codex", "handoff.wait_for_event", {
    work_package_id: p.packageId,
    after_event_count: (seen.items as unknown[]).length,
    timeout_seconds: 30,
  });
  const started = Date.now();
  const blocked = await w.call("junior", "handoff.report_worker_event", {
    work_package_id: p.packageId,
    event_type: "WORKER_BLOCKED",
    message: "need a decision on the duplicate error's name",
  });
  const woke = await wait;
  say(
    `junior-1 reports WORKER_BLOCKED; Codex, blocked in handoff.wait_for_event in another process, wakes after ${Date.now() - started} ms (status ${String(woke.status)}).`,
  );
  const first = supervisorOnce(w);
  const handed = await w.call("codex", "continuation.get", {
    continuation_id: continuationId(runId({ ...p }), String(blocked.event_id)),
  });
  say(
    `The host supervisor (grace-host-continuation --once) finds that event held by the waiting Codex (${String(handed.continuation_id)} ${String(handed.state)}) and launches ${(first.delivery_results as Result[]).length === 0 ? "no second controller" : "a controller anyway"}.`,
  );
  const [held] = woke.held as Result[];
  const done = await w.call("codex", "continuation.resolve", {
    ...held,
    resolution_notes: "answered the worker",
  });
  say(`Codex resolves the event it holds with the keys its wait named (${String(done.state)}).`);
  await continueWithoutWaiter(w, p, say);
}

/** With no Codex waiting, a worker event makes the supervisor launch a controller. */
async function continueWithoutWaiter(w: World, p: Planned, say: Say): Promise<void> {
  await w.call("junior", "handoff.report_worker_event", {
    work_package_id: p.packageId,
    event_type: "WORKER_NEEDS_CONTROLLER",
    message: "still need the duplicate error's name",
  });
  const out = supervisorOnce(w);
  const launched = (out.delivery_results as Result[]).find(
    (r) => r.status === "started" || r.pid !== undefined,
  );
  say(
    `junior-1 asks again while no Codex waits; the host supervisor launches the controller: ${typeof launched?.continuation_id === "string" ? launched.continuation_id : "none"}.`,
  );
  const record = await launchRecord(w.paths.records);
  if (!record) throw new Error("the supervisor's controller launch left no record");
  say(`The (fake) Codex controller ran with its prompt file: ${record.argv.join(" ")}`);
  if (launched) await ack(w, launched, say);
}

/** The fake controller's record of its launch (it runs detached, so give it a moment). */
async function launchRecord(dir: string): Promise<{ argv: string[] } | null> {
  for (let i = 0; i < 100; i += 1) {
    const name = fs.readdirSync(dir).find((f) => f.startsWith("launch-") && f.endsWith(".json"));
    if (name) return JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as { argv: string[] };
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

function supervisorOnce(w: World): Result {
  const bin = path.join(w.paths.install, "dist", "src", "cli", "bin", "grace-host-continuation.js");
  const controller = path.join(w.paths.install, "scripts", "demo", "fake-controller.mjs");
  const text = execFileSync(process.execPath, [bin, "--once", "--data-dir", w.paths.dataDir], {
    encoding: "utf8",
    env: {
      PATH: processProgramSearch().path ?? "",
      GRACE_CODEX_START_COMMAND: `"${process.execPath}" "${controller}"`,
      GRACE_LOG_LEVEL: "warn",
      FAKE_CONTROLLER_RECORD_DIR: w.paths.records,
    },
  });
  return JSON.parse(text) as Result;
}

async function ack(w: World, launched: Result, say: Say): Promise<void> {
  const row = await w.call("codex", "continuation.get", { continuation_id: launched.continuation_id });
  const keys = {
    continuation_id: launched.continuation_id,
    source_event_id: row.source_event_id,
    attempt_id: row.attempt_id,
  };
  await w.call("codex", "continuation.ack", keys);
  await w.call("codex", "continuation.resolve", { ...keys, resolution_notes: "name it DUPLICATE_ORDER" });
  say("The revived controller acknowledges and resolves the continuation (answer: name it DUPLICATE_ORDER).");
}

/** The worker leaves Mimo; GLM records the closed window, which releases the session. */
async function closeMimo(w: World, worked: Worked, say: Say): Promise<void> {
  fs.writeFileSync(path.join(w.paths.records, `exit-${worked.pid}`), "");
  for (let i = 0; i < 100 && processExists(worked.pid); i += 1) await new Promise((r) => setTimeout(r, 50));
  await w.call("glm", "mimo.record_tui_closed", {
    session_id: worked.sessionId,
    observation: "the worker closed Mimo",
  });
  say(`junior-1 closes Mimo; GLM records session #${worked.sessionId} as closed.`);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function finish(w: World, p: Planned, worked: Worked, say: Say): Promise<Result> {
  const head = worked.head;
  await w.call("junior", "submission.create", {
    work_package_id: p.packageId,
    summary: "duplicate check",
    head_commit: head,
    tests_run: [{ command_key: "unit", exit_code: 0 }],
    risk_notes: "low",
    worker_report: exampleWorkerReport({
      taskId: p.taskId,
      packageId: p.packageId,
      moduleId: "M-SRC",
      filesRead: ["docs/development-plan.xml", STORE],
      filesChanged: [STORE],
    }),
  });
  say("junior-1 submits: the gates check the commit, the scope and the 17-field worker report.");
  await closeMimo(w, worked, say);
  await w.call("glm", "review.glm_submit", {
    target_id: p.packageId,
    decision: "accepted",
    findings: [],
    required_fixes: [],
  });
  say("GLM reviews the package: accepted.");
  await w.call("codex", "task.request_final_review", { task_id: p.taskId });
  await w.call("codex", "review.codex_submit", {
    task_id: p.taskId,
    decision: "accepted",
    findings: ["matches the spec"],
    required_fixes: [],
  });
  say("Codex runs the final review: accepted.");
  const closed = await w.call("codex", "task.close", { task_id: p.taskId });
  say(`Codex closes the task: ${String(closed.status)}.`);
  return closed;
}
