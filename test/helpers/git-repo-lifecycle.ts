/**
 * One lifecycle scenario for every layer: a real git repo holding the GRACE sample, the
 * arguments that make the gates pass, and a caller abstraction so the same steps run through
 * the tool handlers in-process (integration tests, service-layer bench) or over MCP against
 * real server processes (e2e, MCP bench).
 */
import { cpSync } from "node:fs";
import path from "node:path";
import type { ActorIdentity } from "../../src/config/identity.js";
import type { Role } from "../../src/domain/roles.js";
import { DEFAULT_WORKER_REPORT_FIELDS } from "../../src/gates/index.js";
import { openLedger } from "../../src/ledger/database.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import { allTools } from "../../src/tools/index.js";
import type { ToolCall } from "../../src/tools/registry.js";
import { commitAll, git, tempDir, writeFile } from "./git-repo.js";
import { num, withId, type Answer } from "./answer.js";
import { call as mcpCall, connect, REPO_ROOT, type Connected } from "./mcp-client.js";
import { exampleWorkerReport } from "../../src/demo/worker-report.js";

export const SAMPLE = path.join(REPO_ROOT, "test", "fixtures", "grace-sample");

/** A repo with the GRACE sample committed on main; `base` is that commit. */
export function makeGraceRepo(): { repo: string; base: string } {
  const repo = tempDir("grace-lifecycle-repo-");
  cpSync(SAMPLE, repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.name", "Grace Test");
  git(repo, "config", "user.email", "grace@example.invalid");
  git(repo, "config", "commit.gpgsign", "false");
  return { repo, base: commitAll(repo, "GRACE sample") };
}

/** Writes the files and commits them; returns the new head. */
export function commitFiles(repo: string, files: Record<string, string>, message = "worker change"): string {
  for (const [rel, content] of Object.entries(files)) writeFile(repo, rel, content);
  return commitAll(repo, message);
}

export type Who = "codex" | "glm" | "junior" | "pro";

export const ACTORS: Record<Who, { name: string; role: Role }> = {
  codex: { name: "codex-main", role: "codex" },
  glm: { name: "glm-1", role: "glm" },
  junior: { name: "junior-1", role: "worker_junior" },
  pro: { name: "pro-1", role: "worker_pro" },
};

export type Result = Answer;
export type Call = (who: Who, tool: string, args?: Record<string, unknown>) => Promise<Result>;

export interface Caller {
  call: Call;
  /** Resolves to the refusal message; fails if the call succeeds. */
  refuse: (who: Who, tool: string, args?: Record<string, unknown>) => Promise<string>;
  close: () => Promise<void>;
}

export function identity(who: Who): ActorIdentity {
  const a = ACTORS[who];
  return {
    actorId: `actor-${a.name}`,
    name: a.name,
    primaryRole: a.role,
    requestedRole: a.role,
    runtime: null,
    provider: null,
    model: null,
    reasoningProfile: null,
  };
}

const WAIT = { toolCallLimitSeconds: 60, transportGraceSeconds: 10 };

/** Calls the tool handlers directly: the tool layer and everything below it, without MCP. */
export function inProcessCaller(dataDir: string): Caller & { ctx: ServiceContext } {
  const db = openLedger(dataDir);
  const base = createServiceContext(db, identity("codex"), dataDir);
  const contexts: Record<Who, ServiceContext> = {
    codex: base,
    glm: { ...base, actor: identity("glm") },
    junior: { ...base, actor: identity("junior") },
    pro: { ...base, actor: identity("pro") },
  };
  const tools = new Map(allTools({ wait: WAIT }).map((t) => [t.name, t]));
  const call: Call = async (who, name, args = {}) => {
    const def = tools.get(name);
    const ctx = contexts[who];
    if (!def || !def.roles.includes(ctx.actor.primaryRole)) throw new Error(`Tool ${name} not found`);
    const control: ToolCall = {
      signal: new AbortController().signal,
      naming: "dotted",
      progress: async () => {},
      unlisted: () => [],
      sessionId: null,
    };
    // The JSON round trip and the list wrapping are what an MCP client receives.
    const value: unknown = JSON.parse(JSON.stringify(await def.handler(ctx, def.input.parse(args), control)));
    return (
      value !== null && typeof value === "object" && !Array.isArray(value) ? value : { result: value }
    ) as Result;
  };
  return {
    ctx: base,
    call,
    refuse: async (who, name, args) => {
      try {
        await call(who, name, args);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${name} unexpectedly succeeded`);
    },
    close: () => {
      base.signal.close();
      db.close();
      return Promise.resolve();
    },
  };
}

/** One built server process per identity on the same data dir, as Codex, GLM and the Mimo workers run them. */
export async function mcpCaller(dataDir: string): Promise<Caller & { servers: Record<Who, Connected> }> {
  const entries = await Promise.all(
    (Object.keys(ACTORS) as Who[]).map(async (who) => [who, await connect(dataDir, ACTORS[who])] as const),
  );
  const servers = Object.fromEntries(entries) as Record<Who, Connected>;
  const call: Call = (who, name, args = {}) => mcpCall<Result>(servers[who], name, args);
  return {
    servers,
    call,
    refuse: async (who, name, args = {}) => {
      try {
        await call(who, name, args);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${name} unexpectedly succeeded`);
    },
    close: async () => {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    },
  };
}

/** A worker report that passes the 17-field gate for the given evidence (the sample's order store). */
export function workerReport(taskId: number, packageId: number, files: string[]): Record<string, unknown> {
  return exampleWorkerReport({
    taskId,
    packageId,
    moduleId: "M-ORDER-STORE",
    filesRead: ["docs/development-plan.xml", "src/orderdesk/store.ts"],
    filesChanged: files,
  });
}

/** The optional workpackage.create arguments a passing execution packet needs. */
export const PACKET_ARGS = {
  test_surface: ["unit"],
  commands_allowed: ["unit"],
  rollback_boundary: "reset to the package base commit",
  stop_conditions: ["a change outside the allowed files is needed", "a protected test fails"],
  compact_report_format: [...DEFAULT_WORKER_REPORT_FIELDS],
};

export const TEST_COMMANDS = {
  unit: [process.execPath, "-e", "process.exit(0)"],
  failing: [process.execPath, "-e", "process.exit(3)"],
};

export interface Planned {
  projectId: number;
  taskId: number;
}

/** project → agents → task → plan → verification plan (GLM_TESTS_PREPARED). */
export async function planTask(
  call: Call,
  repo: string,
  opts: { proAvailable?: boolean } = {},
): Promise<Planned> {
  const project = await call("codex", "project.init", {
    name: "orderdesk",
    repo_path: repo,
    grace_path: "docs",
    main_branch: "main",
    allowed_test_commands: TEST_COMMANDS,
  });
  const register = (name: string, role: string, model?: string, availability = "available") =>
    call("codex", "agent.register", {
      project_id: project.id,
      name,
      primary_role: role,
      capabilities: [role],
      availability,
      ...(model ? { mimo_model: model } : {}),
    });
  await register("glm-1", "glm");
  await register("junior-1", "worker_junior", "xiaomi/mimo-v2.5");
  await register(
    "pro-1",
    "worker_pro",
    "zai/glm-4.7-flash",
    opts.proAvailable === false ? "unavailable" : "available",
  );
  const projectId = num(project, "id");
  const taskId = (await createTask(call, projectId)).id;
  await planCreatedTask(call, taskId);
  return { projectId, taskId };
}

/** task.create_codex_task for the order store in CODEX_TASK_CREATED; `over` replaces any field. */
export async function createTask(
  call: Call,
  projectId: number,
  over: Record<string, unknown> = {},
): Promise<Answer & { id: number }> {
  const task = await call("codex", "task.create_codex_task", {
    project_id: projectId,
    title: "Harden the order store",
    objective: "Reject duplicate orders",
    architecture_intent: "Keep persistence behind M-ORDER-STORE",
    constraints: ["no shell"],
    non_goals: ["HTTP"],
    acceptance_criteria: ["duplicates raise DUPLICATE_ORDER"],
    allowed_files: ["src/**", "tests/**"],
    forbidden_files: ["src/config/**"],
    ...over,
  });
  return withId(task);
}

/** GLM plans a created task and registers its verification plan (GLM_TESTS_PREPARED). */
export async function planCreatedTask(call: Call, taskId: number): Promise<void> {
  await call("glm", "task.plan", { task_id: taskId });
  await call("glm", "verification.register_plan", {
    task_id: taskId,
    test_strategy: "unit tests per module",
    test_commands: ["unit"],
  });
}

/** workpackage.create's arguments for the order store, starting at `base`; `extra` replaces any. */
export function packageArgs(taskId: number, base: string, extra: Record<string, unknown> = {}) {
  return {
    task_id: taskId,
    title: "Duplicate check in the order store",
    objective: "saveOrder raises DUPLICATE_ORDER for a known id",
    allowed_files: ["src/orderdesk/**"],
    forbidden_files: ["src/orderdesk/secrets/**"],
    assigned_junior_agent: "junior-1",
    assigned_pro_agent: "pro-1",
    base_commit: base,
    ...PACKET_ARGS,
    ...extra,
  };
}

/** workpackage.create + assign for the order store, starting at `base`. */
export async function createPackage(
  call: Call,
  taskId: number,
  base: string,
  extra: Record<string, unknown> = {},
): Promise<Answer & { id: number }> {
  const created = await call("glm", "workpackage.create", packageArgs(taskId, base, extra));
  const pkg = withId(created);
  await call("glm", "workpackage.assign", { work_package_id: pkg.id });
  return pkg;
}

/** The worker's submission of `head`, reporting exactly `files`. */
export function submit(call: Call, who: Who, taskId: number, pkgId: number, head: string, files: string[]) {
  return call(who, "submission.create", {
    work_package_id: pkgId,
    summary: `${who} change`,
    head_commit: head,
    tests_run: [{ command_key: "unit", exit_code: 0 }],
    risk_notes: "low",
    worker_report: workerReport(taskId, pkgId, files),
  });
}

export const STORE = "src/orderdesk/store.ts";

/**
 * The whole path: junior submits → GLM rejects → Pro repairs → GLM accepts → Codex final review
 * (artifacts auto-imported) → Codex accepts (closes). `commit` makes the worker commits.
 */
export async function fullLifecycle(
  call: Call,
  repo: string,
  base: string,
  commit: (n: number) => string = (n) => commitFiles(repo, { [STORE]: `// revision ${n}\n` }),
): Promise<Record<string, Result>> {
  const { taskId } = await planTask(call, repo);
  const pkg = await createPackage(call, taskId, base);
  await call("junior", "workpackage.claim", { work_package_id: pkg.id });
  const first = await submit(call, "junior", taskId, pkg.id, commit(1), [STORE]);
  const rejected = await call("glm", "review.glm_submit", {
    target_id: pkg.id,
    decision: "rejected_repair_required",
    findings: ["no duplicate test"],
    required_fixes: ["add the duplicate test"],
  });
  const proClaim = await call("pro", "workpackage.claim", { work_package_id: pkg.id });
  const second = await submit(call, "pro", taskId, pkg.id, commit(2), [STORE]);
  const accepted = await call("glm", "review.glm_submit", {
    target_id: pkg.id,
    decision: "accepted",
    findings: [],
    required_fixes: [],
  });
  const finalReview = await call("codex", "task.request_final_review", { task_id: taskId });
  const codex = await call("codex", "review.codex_submit", {
    task_id: taskId,
    decision: "accepted",
    findings: ["matches the spec"],
    required_fixes: [],
  });
  const closed = await call("codex", "task.close", { task_id: taskId });
  return {
    pkg,
    first,
    rejected,
    proClaim,
    second,
    accepted,
    finalReview,
    codex,
    closed,
    task: { id: taskId },
  };
}
