import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TOOL_NEEDS } from "../../src/domain/tool-reach.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

const NEEDING = Object.keys(TOOL_NEEDS);
const names = async (c: Connected) => (await c.client.listTools()).tools.map((t) => t.name);

describe("tools/list shows what the name's registrations can reach", () => {
  const dataDir = tempDir("reach-data");
  let codex: Connected;
  let everything: Connected;

  beforeAll(async () => {
    [codex, everything] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "codex-all", role: "codex" }, { GRACE_ORCHESTRATOR_TOOL_LIST: "role" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([codex?.close(), everything?.close()]);
  });

  test("an unregistered codex lists none of the GLM or worker tools; the role listing has them all", async () => {
    const listed = await names(codex);
    const all = await names(everything);
    expect(listed.filter((t) => NEEDING.includes(t))).toEqual([]);
    expect(all.filter((t) => NEEDING.includes(t)).sort()).toEqual([...NEEDING].sort());
    expect(listed).toEqual(all.filter((t) => !NEEDING.includes(t)));
    const me = await call<{ tools_not_listed: string[] }>(codex, "orchestrator.whoami");
    expect([...me.tools_not_listed].sort()).toEqual([...NEEDING].sort());
    const full = await call<{ tools_not_listed: string[] }>(everything, "orchestrator.whoami");
    expect(full.tools_not_listed).toEqual([]);
  });

  test("a hidden tool is still refused by its service check, not as an unknown tool", async () => {
    const refusal = await callError(codex, "task.plan", { task_id: 999 });
    expect(refusal).not.toContain("not found");
    expect(refusal).toMatch(/task 999/i);
  });

  test("a worker capability lists the worker's tools and tells the client the list changed; the glm capability alone does not", async () => {
    let changed = 0;
    codex.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed += 1;
    });
    await names(codex);
    const project = await call<{ id: number }>(codex, "project.init", {
      name: "p",
      repo_path: tempDir("reach-repo"),
      grace_path: "docs",
      main_branch: "main",
    });
    const register = (capabilities: string[]) =>
      call(codex, "agent.register", {
        project_id: project.id,
        name: "codex-main",
        primary_role: "codex",
        capabilities,
      });
    await register(["codex", "glm"]);
    expect(changed, "project.init and a glm capability without a delegation: nothing new to list").toBe(0);
    expect(await names(codex)).not.toContain("task.plan");
    await register(["codex", "glm", "worker_junior"]);
    await expect.poll(() => changed).toBe(1);
    const listed = await names(codex);
    for (const tool of ["workpackage.claim", "submission.create", "repo.run_tests"])
      expect(listed).toContain(tool);
    expect(listed).not.toContain("task.plan");
    const me = await call<{ tools_not_listed: string[] }>(codex, "orchestrator.whoami");
    expect([...me.tools_not_listed].sort()).toEqual(NEEDING.filter((t) => !listed.includes(t)).sort());
    expect(me.tools_not_listed).toContain("workpackage.create");
    expect(me.tools_not_listed).toHaveLength(15);
  });
});
