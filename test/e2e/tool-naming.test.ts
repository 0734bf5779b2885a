import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exposedToolName, TOOL_NAMINGS } from "../../src/domain/tool-names.js";
import { call, connect, createMinimalTask, tempDir, type Connected } from "../helpers/mcp-client.js";

/** The tools an action text names: "a or b for package #3" → [a, b]. */
function toolsIn(action: string): string[] {
  return action.replace(/ for package #\d+$/, "").split(" or ");
}

describe.each(TOOL_NAMINGS)("%s naming: answers name tools as the reader's server exposes them", (naming) => {
  const dataDir = tempDir(`naming-${naming}`);
  const env: Record<string, string> = naming === "dotted" ? {} : { GRACE_ORCHESTRATOR_TOOL_NAMES: naming };
  const as = (canonical: string) => exposedToolName(canonical, naming);
  let codex: Connected | undefined;
  let glm: Connected | undefined;
  let taskId = 0;
  const listed = async (c: Connected) => (await c.client.listTools()).tools.map((t) => t.name);

  beforeAll(async () => {
    codex = await connect(dataDir, { name: "codex-main", role: "codex" }, env);
    const project = await call<{ id: number }>(codex, as("project.init"), {
      name: "p",
      repo_path: tempDir(`naming-repo-${naming}`),
      grace_path: ".",
      main_branch: "main",
    });
    await call(codex, as("agent.register"), {
      project_id: project.id,
      name: "glm-1",
      primary_role: "glm",
      capabilities: ["glm"],
    });
    taskId = await createMinimalTask(codex, project.id, "t", as("task.create_codex_task"));
    glm = await connect(dataDir, { name: "glm-1", role: "glm" }, env);
  });
  afterAll(async () => {
    await Promise.all([codex?.close(), glm?.close()]);
  });

  test("task.get_next_action and task.get_summary name the next tool as exposed", async () => {
    // The next action is GLM's, so it names a tool of the GLM server's list.
    const exposed = await listed(glm!);
    const next = await call<{ next: { role: string; action: string } }>(codex!, as("task.get_next_action"), {
      task_id: taskId,
    });
    expect(next.next).toEqual({ role: "glm", action: as("task.plan") });
    const summary = await call<{ next_action: { action: string } }>(codex!, as("task.get_summary"), {
      task_id: taskId,
    });
    for (const action of [next.next.action, summary.next_action.action]) {
      for (const tool of toolsIn(action)) expect(exposed, `${tool} in ${action}`).toContain(tool);
    }
  });

  test("inbox.next and inbox.list give a next_action.tool the reader can call", async () => {
    const exposed = await listed(glm!);
    const first = await call<{ item: { next_action: { tool: string } } }>(glm!, as("inbox.next"));
    const { items } = await call<{ items: { next_action: { tool: string } }[] }>(glm!, as("inbox.list"));
    expect(first.item.next_action.tool).toBe(as("task.plan"));
    for (const item of [first.item, ...items]) expect(exposed).toContain(item.next_action.tool);
  });
});
