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

  test("registering the name with the glm capability lists GLM's tools and tells the client the list changed", async () => {
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
    expect(changed, "project.init registers codex as codex: nothing new to list").toBe(0);
    await call(codex, "agent.register", {
      project_id: project.id,
      name: "codex-main",
      primary_role: "codex",
      capabilities: ["codex", "glm"],
    });
    await expect.poll(() => changed).toBe(1);
    const listed = await names(codex);
    expect(listed).toContain("task.plan");
    expect(listed).toContain("repo.run_tests");
    expect(listed).not.toContain("workpackage.claim");
    const me = await call<{ tools_not_listed: string[] }>(codex, "orchestrator.whoami");
    expect([...me.tools_not_listed].sort()).toEqual([
      "handoff.report_worker_event",
      "submission.create",
      "workpackage.claim",
    ]);
  });
});
