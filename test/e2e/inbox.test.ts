import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { at, objects, str } from "../helpers/answer.js";
import {
  commitFiles,
  createPackage,
  createTask,
  makeGraceRepo,
  mcpCaller,
  planCreatedTask,
  planTask,
  STORE,
  submit,
  type Caller,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { snapshotLedger } from "../helpers/ledger-snapshot.js";
import { call as mcpCall, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

type World = Caller & { servers: Record<string, Connected> };

/** The item's size as Python's json.dumps writes it (sorted keys, ", " and ": "), raw and ASCII-escaped. */
function pythonSizes(item: unknown): { raw: number; escaped: number } {
  const script =
    "import json,sys\nv=json.load(sys.stdin)\n" +
    "print(len(json.dumps(v, sort_keys=True, ensure_ascii=False).encode('utf-8')), len(json.dumps(v, sort_keys=True).encode('utf-8')))";
  const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(item), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  const [raw, escaped] = run.stdout.trim().split(" ").map(Number);
  return { raw: raw!, escaped: escaped! };
}

async function next(c: Connected, args: Record<string, unknown> = {}): Promise<Result> {
  return mcpCall<Result>(c, "inbox.next", args);
}

async function list(c: Connected, args: Record<string, unknown> = {}): Promise<Result[]> {
  return objects(await mcpCall(c, "inbox.list", args), "items");
}

describe("inbox over MCP", () => {
  const dataDir = tempDir("inbox");
  let world: World;
  let junior2: Connected, user: Connected, owner: Connected;
  let repo = "";
  let base = "";
  let projectId = 0;
  let taskId = 0;

  beforeAll(async () => {
    world = await mcpCaller(dataDir);
    [junior2, user, owner] = await Promise.all([
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
      connect(dataDir, { name: "human", role: "user" }),
      connect(dataDir, { name: "owner-1", role: "test_owner" }),
    ]);
    ({ repo, base } = makeGraceRepo());
    ({ projectId, taskId } = await planTask(world.call, repo));
  });
  afterAll(async () => {
    await Promise.all([world?.close(), junior2?.close(), user?.close(), owner?.close()]);
  });

  test("two processes of one junior see the same inbox; the item id survives the claim", async () => {
    const pkg = await createPackage(world.call, taskId, base);
    const before = await next(world.servers.junior!);
    const twin = await next(junior2);
    expect(before.status).toBe("item");
    expect(twin).toEqual(before);
    expect(before.item).toMatchObject({
      item_id: `work-package:${pkg.id}`,
      kind: "work_package",
      project_id: projectId,
      task_id: taskId,
      work_package_id: pkg.id,
      current_state: "ASSIGNED",
      assigned_actor: "junior-1",
      assigned_role: "worker_junior",
      next_action: { tool: "workpackage.claim", arguments: { work_package_id: pkg.id } },
      context: {
        stop_conditions: ["protected_test_touched", "forbidden_scope_touched", "identity_mismatch"],
      },
    });

    await mcpCall(junior2, "workpackage.claim", { work_package_id: pkg.id });
    const after = await next(world.servers.junior!);
    expect(after.item).toMatchObject({
      item_id: at(before, "item", "item_id"),
      current_state: "CLAIMED_JUNIOR",
      next_action: { tool: "submission.create", arguments: { work_package_id: pkg.id } },
    });

    // After the submission the package is GLM's to review, under the review tool's own argument name.
    await submit(world.call, "junior", taskId, pkg.id, commitFiles(repo, { [STORE]: "// v1\n" }), [STORE]);
    expect((await next(world.servers.junior!)).status).toBe("empty");
    expect((await list(world.servers.glm!)).map((i) => [i.kind, i.next_action])).toContainEqual([
      "package_review",
      { tool: "review.glm_submit", arguments: { target_id: pkg.id } },
    ]);

    // A rejection hands the repair to the assigned Pro, under the same item id.
    await world.call("glm", "review.glm_submit", {
      target_id: pkg.id,
      decision: "rejected_repair_required",
      findings: ["no duplicate test"],
      required_fixes: ["add it"],
    });
    expect((await next(world.servers.pro!)).item).toMatchObject({
      item_id: at(before, "item", "item_id"),
      current_state: "REPAIR_REQUIRED",
      assigned_role: "worker_pro",
      next_action: { tool: "workpackage.claim", arguments: { work_package_id: pkg.id } },
    });
    expect((await next(world.servers.junior!)).status).toBe("empty");
  });

  test("~10 KB of Cyrillic text: the item fits 4,096 bytes in both serializations and keeps ids and next action", async () => {
    const cyrillic = "Проверить дубликаты заказов в хранилище. ".repeat(250);
    expect(Buffer.byteLength(cyrillic)).toBeGreaterThan(10_000);
    const task = await createTask(world.call, projectId, {
      title: "Задача с длинным описанием",
      objective: cyrillic,
      architecture_intent: cyrillic,
    });
    await planCreatedTask(world.call, task.id);
    const pkg = await createPackage(world.call, task.id, base, {
      title: "Пакет ".repeat(30).trim(),
      objective: cyrillic,
    });
    const item = (await list(world.servers.junior!, { project_id: projectId })).find(
      (i) => i.work_package_id === pkg.id,
    )!;
    const sizes = pythonSizes(item);
    expect(sizes.raw).toBeLessThanOrEqual(4096);
    expect(sizes.escaped).toBeLessThanOrEqual(4096);
    expect(item).toMatchObject({
      item_id: `work-package:${pkg.id}`,
      project_id: projectId,
      task_id: task.id,
      work_package_id: pkg.id,
      next_action: { tool: "workpackage.claim", arguments: { work_package_id: pkg.id } },
    });
    expect(str(item, "objective").length).toBeLessThanOrEqual(103);
  });

  test("roles are checked without side effects: a GLM capability is not GLM authority, a delegation is, until it expires", async () => {
    const fresh = await createTask(world.call, projectId, { title: "Fresh task" });
    await createTask(world.call, projectId, { title: "Second fresh task" });
    const plans = async (c: Connected) =>
      (await list(c, { project_id: projectId, limit: 50 })).some(
        (i) => at(i, "next_action", "tool") === "task.plan" && i.task_id === fresh.id,
      );
    await world.call("codex", "agent.register", {
      project_id: projectId,
      name: "owner-1",
      primary_role: "test_owner",
      capabilities: ["test_owner", "glm"],
    });
    const untouched = snapshotLedger(dataDir);
    expect(await plans(owner)).toBe(false);
    expect(await plans(world.servers.codex!)).toBe(false);
    expect(await plans(world.servers.glm!)).toBe(true);
    const one = await mcpCall<Result>(world.servers.glm!, "inbox.list", { project_id: projectId, limit: 1 });
    expect(one).toMatchObject({ status: "ok", count: 1, more: true });
    expect(at(one, "items", 0)).toEqual((await next(world.servers.glm!, { project_id: projectId })).item);
    expect(snapshotLedger(dataDir)).toEqual(untouched);

    await world.call("codex", "agent.set_availability", {
      project_id: projectId,
      name: "glm-1",
      availability: "unavailable",
    });
    expect(await plans(world.servers.glm!)).toBe(false);
    const expiresAt = new Date(Date.now() + 2_500).toISOString();
    await world.call("codex", "role.delegate", {
      project_id: projectId,
      task_id: null,
      unavailable_role: "glm",
      substitute_actor: "owner-1",
      reason: "GLM is away",
      expires_at: expiresAt,
    });
    expect(await plans(owner)).toBe(true);
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 100));
    expect(await plans(owner)).toBe(false);
    await world.call("codex", "agent.set_availability", {
      project_id: projectId,
      name: "glm-1",
      availability: "available",
    });
  });

  test("inbox.list refuses a limit outside 1..50 and a misspelt argument", async () => {
    for (const args of [{ limit: 0 }, { limit: 51 }, { projectId: 1 }]) {
      const result = await world.servers.junior!.client.callTool({ name: "inbox.list", arguments: args });
      expect(result.isError).toBe(true);
    }
  });
});
