import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { num, objects, str } from "../helpers/answer.js";
import { commitAll, git, writeFile } from "../helpers/git-repo.js";
import {
  createPackage,
  makeGraceRepo,
  planTask,
  STORE,
  submit,
  type Call,
  type Result,
  type Who,
} from "../helpers/git-repo-lifecycle.js";
import { FAKE_MIMO, tellExit, waitForRecord, writeFakeMimoConfig } from "../helpers/fake-mimo-world.js";
import {
  call,
  callError,
  connect,
  resultText,
  resultValue,
  SERVER_ENTRY,
  tempDir,
  type Connected,
} from "../helpers/mcp-client.js";

/** What a Mimo worker does with the profile: start the server it names and talk MCP to it. */
async function connectWithProfile(profile: Result): Promise<Client> {
  const transport = new StdioClientTransport({
    command: profile.command as string,
    args: profile.args as string[],
    cwd: profile.cwd as string,
    env: profile.env as Record<string, string>,
    stderr: "pipe",
  });
  const client = new Client({ name: "fake-mimo-worker", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

async function clientCall(client: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(resultText(result));
  return resultValue<Result>(result);
}

describe("Mimo bridge over MCP: GLM launches, the worker connects with its profile, claims, commits, submits", () => {
  const dataDir = tempDir("mimo-e2e-data");
  const records = tempDir("mimo-e2e-records");
  const { repo, base } = makeGraceRepo();
  // The server passes Mimo only an allowlisted environment: the fake finds its record dir in its
  // own configuration below XDG_CONFIG_HOME, and the provider keys set here must never reach it.
  const xdg = writeFakeMimoConfig(tempDir("mimo-e2e-xdg"), { record_dir: records });
  const env = {
    GRACE_ORCHESTRATOR_MIMO_COMMAND: FAKE_MIMO,
    XDG_CONFIG_HOME: xdg,
    OPENAI_API_KEY: "sk-openai-secret",
    ANTHROPIC_API_KEY: "sk-ant-secret",
  };
  let codex: Connected, glm: Connected, worker: Client | undefined;
  const pids: number[] = [];

  beforeAll(async () => {
    [codex, glm] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }, env),
      connect(dataDir, { name: "glm-1", role: "glm" }, env),
    ]);
  });
  afterAll(async () => {
    for (const pid of pids) tellExit(records, pid);
    await Promise.all([codex?.close(), glm?.close(), worker?.close()]);
  });

  test("the whole dispatch, and the next launch only when the rules allow it", async () => {
    const staff: Call = (who: Who, tool, args = {}) => {
      if (who === "codex") return call<Result>(codex, tool, args);
      if (who === "glm") return call<Result>(glm, tool, args);
      if (who === "junior" && worker) return clientCall(worker, tool, args);
      throw new Error(`no client for ${who}`);
    };
    const { projectId, taskId } = await planTask(staff, repo);
    const pkg = await createPackage(staff, taskId, base);

    const profile = await call<Result>(codex, "mimo.connection_profile", {
      project_id: projectId,
      agent_name: "junior-1",
    });
    expect(profile).toMatchObject({
      name: "grace-orchestrator-junior-1",
      transport: "stdio",
      command: process.execPath,
      args: [SERVER_ENTRY],
      env: {
        GRACE_ORCHESTRATOR_ACTOR_NAME: "junior-1",
        GRACE_ORCHESTRATOR_ACTOR_ROLE: "worker_junior",
        GRACE_ORCHESTRATOR_DATA_DIR: fs.realpathSync(dataDir),
      },
      mimo_agent: "build",
      mimo_model: "xiaomi/mimo-v2.5",
      backend_family: "mimo",
    });
    expect(profile.note).toContain("must stay 'xiaomi/mimo-v2.5'");

    expect(await callError(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "headless" })).toBe(
      `Mimo dispatch of work package ${pkg.id} is TUI-only: mode 'headless' is not allowed; mode must be one of tui`,
    );
    expect(await callError(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "gui" })).toBe(
      `MCP error -32602: Input validation error: Invalid arguments for tool mimo.launch_package (work package ${pkg.id}): must be one of tui, headless, got "gui" at mode`,
    );
    const session = await call<Result>(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" });
    const workspace = str(session, "workspace_path");
    pids.push(num(session, "pid"));
    expect(session).toMatchObject({
      lifecycle_state: "TUI_DETACHED",
      assigned_agent: "junior-1",
      detached_tui: true,
    });
    const rec = await waitForRecord(records, num(session, "pid"));
    expect(rec.argv.slice(0, 6)).toEqual([
      "--agent",
      "build",
      "--model",
      "xiaomi/mimo-v2.5",
      "--trust",
      "--prompt",
    ]);
    expect(fs.realpathSync(rec.cwd)).toBe(fs.realpathSync(workspace));
    expect(rec.env).toEqual({}); // GLM's identity does not leak
    for (const secret of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GRACE_ORCHESTRATOR_ACTOR_ROLE"])
      expect(rec.env_keys).not.toContain(secret);
    expect(rec.env_keys).toEqual(expect.arrayContaining(["PATH", "HOME", "XDG_CONFIG_HOME"]));
    expect(git(workspace, "rev-parse", "HEAD")).toBe(base);
    expect(await callError(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" })).toBe(
      `Work package already has an active Mimo session: ${num(session, "id")}`,
    );

    // The worker, as Mimo would run it: the server from the profile, nothing else.
    worker = await connectWithProfile(profile);
    expect(await clientCall(worker, "orchestrator.whoami", {})).toMatchObject({
      actor_name: "junior-1",
      primary_role: "worker_junior",
    });
    expect(
      await clientCall(worker, "mimo.get_session", { session_id: session.id }).catch((e: Error) => e.message),
    ).toMatch(/not found|Unknown tool/i); // workers have no mimo tools at all
    await clientCall(worker, "workpackage.claim", { work_package_id: pkg.id });
    writeFile(workspace, STORE, "// duplicate check\n");
    const head = commitAll(workspace, "junior work in its worktree");
    await submit(staff, "junior", taskId, pkg.id, head, [STORE]);

    const events = await call(codex, "handoff.list_events", { work_package_id: pkg.id });
    expect(objects(events, "events").map((e) => e.type)).toEqual([
      "WORKER_STARTED",
      "WORKER_READY_FOR_REVIEW",
    ]);

    // SUBMITTED is not launchable; closing the window releases only the lock.
    expect(await callError(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" })).toBe(
      `Mimo dispatch requires an ASSIGNED package or a REPAIR_REQUIRED package (work package ${pkg.id} is SUBMITTED)`,
    );
    const closed = await call<Result>(glm, "mimo.record_tui_closed", {
      session_id: session.id,
      observation: "the junior closed its Mimo window",
    });
    expect(closed).toMatchObject({ lifecycle_state: "EXITED", dispatch_lock_released: true });
    const summary = await call<Result>(glm, "workpackage.get_summary", { work_package_id: pkg.id });
    expect(JSON.stringify(summary)).toContain("SUBMITTED");

    // A rejection opens the repair route: the Pro from the submitted head.
    await call(glm, "review.glm_submit", {
      target_id: pkg.id,
      decision: "rejected_repair_required",
      findings: ["no duplicate test"],
      required_fixes: ["add the duplicate test"],
    });
    const repair = await call<Result>(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" });
    const repairWorkspace = str(repair, "workspace_path");
    pids.push(num(repair, "pid"));
    expect(repair).toMatchObject({
      assigned_agent: "pro-1",
      assigned_role: "worker_pro",
      repair_route: "worker_pro",
    });
    expect(git(repairWorkspace, "rev-parse", "HEAD")).toBe(head);
    const briefing = fs.readFileSync(str(repair, "briefing_path"), "utf8");
    expect(briefing).toContain(`Repair source commit: ${head}`);
    expect(briefing).toContain("Latest rejection findings: ['no duplicate test']");
    const repairRec = await waitForRecord(records, num(repair, "pid"));
    expect(repairRec.argv.slice(0, 4)).toEqual(["--agent", "build", "--model", "zai/glm-4.7-flash"]);
    expect(await callError(glm, "mimo.launch_package", { work_package_id: pkg.id, mode: "tui" })).toBe(
      `Work package already has an active Mimo session: ${num(repair, "id")}`,
    );
    expect(path.dirname(repairWorkspace)).toBe(path.dirname(workspace));
  });
});
