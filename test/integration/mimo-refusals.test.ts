import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { launchPackage } from "../../src/service/mimo-launch.js";
import { git } from "../helpers/git-repo.js";
import {
  addAgent,
  insertPackage,
  listDir,
  makeWorld,
  sessions,
  tellExit,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

async function world(): Promise<World> {
  const w = await makeWorld();
  worlds.push(w);
  return w;
}

/** Nothing below the data dir besides the ledger, and no worktree registered in the repo. */
function expectNoSideEffects(w: World): void {
  expect(listDir(path.join(w.dataDir, "worktrees")).filter((p) => p.includes("session-"))).toEqual([]);
  expect(listDir(path.join(w.dataDir, "briefings"))).toEqual([]);
  expect(git(w.repo, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
  expect(fs.readdirSync(w.records).filter((f) => f.startsWith("mimo-"))).toEqual([]);
}

const launch = (w: World, pkg: number, ctx = w.glm) =>
  launchPackage(ctx, w.runtime, { work_package_id: pkg, mode: "tui" });

describe("launch refusals leave nothing behind", () => {
  test.each([
    ["shared Codex (codex-primary, no model)", undefined],
    ["codex-primary with the free auto model", "mimo-auto-junior"],
  ])("%s: must never be launched through MiMo", async (_name, model) => {
    const w = await world();
    addAgent(w, "codex-shared", "codex", {
      capabilities: ["worker_junior", "worker_pro"],
      ...(model ? { mimo_model: model } : {}),
    });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "codex-shared" });
    await expect(launch(w, pkg)).rejects.toThrow(/must never be launched through MiMo/);
    expect(sessions(w)).toEqual([]);
    expectNoSideEffects(w);
  });

  test("a junior without a model", async () => {
    const w = await world();
    addAgent(w, "bare", "worker_junior");
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "bare" });
    await expect(launch(w, pkg)).rejects.toThrow(
      "Assigned agent 'bare' has no configured Mimo model; register mimo_model first",
    );
    expect(sessions(w)).toEqual([]);
    expectNoSideEffects(w);
  });

  test.each([
    ["zai/glm-5.2", /approved Z\.ai GLM worker backend/],
    ["auto", /legacy implicit aliases are blocked/],
    ["someone/else", /is not allowed/],
  ])("a junior whose stored model %s is not allowed for the role", async (model, message) => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    // Registration refuses these; a ledger edited by hand (or an older rule set) must still be refused at launch.
    w.db.prepare("UPDATE agents SET mimo_model = ? WHERE name = 'junior'").run(model);
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    await expect(launch(w, pkg)).rejects.toThrow(message);
    expect(sessions(w)).toEqual([]);
    expectNoSideEffects(w);
  });

  test("an external Codex backend (Luna)", async () => {
    const w = await world();
    addAgent(w, "luna", "worker_junior", { mimo_model: "openai/codex-luna" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "luna" });
    await expect(launch(w, pkg)).rejects.toThrow(/cannot be launched through mimo\.launch_package/);
    expect(sessions(w)).toEqual([]);
    expectNoSideEffects(w);
  });

  test.each(["CREATED", "CLAIMED_JUNIOR", "SUBMITTED", "GLM_ACCEPTED", "CANCELLED"])(
    "a package in %s",
    async (status) => {
      const w = await world();
      addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
      const pkg = insertPackage(w, { status, junior: "junior" });
      await expect(launch(w, pkg)).rejects.toThrow(
        "Mimo dispatch requires an ASSIGNED package or a REPAIR_REQUIRED package",
      );
      expect(sessions(w)).toEqual([]);
      expectNoSideEffects(w);
    },
  );

  test("an unavailable junior", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    w.db.prepare("UPDATE agents SET availability = 'unavailable' WHERE name = 'junior'").run();
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    await expect(launch(w, pkg)).rejects.toThrow("Assigned agent 'junior' is not available");
    expectNoSideEffects(w);
  });

  test("a second launch while one is active names the active session", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const first = await launch(w, pkg);
    await expect(launch(w, pkg)).rejects.toThrow(
      `Work package already has an active Mimo session: ${first.id}`,
    );
    expect(sessions(w)).toHaveLength(1);
    expect(listDir(path.join(w.dataDir, "briefings"))).toHaveLength(1);
    tellExit(w.records, first.pid!);
  });

  // Two launches at the same moment need two processes (one process runs prepare() synchronously
  // and cannot race): test/e2e/mimo-race.test.ts.

  test("a non-GLM caller", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    await expect(launch(w, pkg, w.ctxAs("junior", "worker_junior"))).rejects.toThrow(
      /not authorized|requires/,
    );
    expect(sessions(w)).toEqual([]);
  });

  test("a data dir inside the repo: session FAILED, no worktree, no briefing", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const inside = path.join(w.repo, ".grace-data");
    const glmInside = w.ctxAs("glm-1", "glm", inside);
    await expect(launch(w, pkg, glmInside)).rejects.toThrow(
      "Mimo worktree must be outside the registered project root",
    );
    const rows = sessions(w);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      lifecycle_state: "FAILED",
      failure_reason: "Mimo worktree must be outside the registered project root",
    });
    expect(fs.existsSync(inside)).toBe(false);
    expectNoSideEffects(w);
  });
});
