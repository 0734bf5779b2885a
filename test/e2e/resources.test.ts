import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, connect, createMinimalTask, tempDir, type Connected } from "../helpers/mcp-client.js";

describe("resources and prompts", () => {
  const dataDir = tempDir("res-data");
  const repo = tempDir("res-repo");
  let codex: Connected, glm: Connected, worker: Connected;
  let projectId = 0;
  let taskId = 0;

  beforeAll(async () => {
    [codex, glm, worker] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "glm-1", role: "glm" }),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
    ]);
    projectId = (
      await call<{ id: number }>(codex, "project.init", {
        name: "p",
        repo_path: repo,
        grace_path: "docs",
        main_branch: "main",
      })
    ).id;
    taskId = await createMinimalTask(codex, projectId);
  });
  afterAll(async () => {
    await Promise.all([codex, glm, worker].map((c) => c?.close()));
  });

  /** A project (and repo) of its own, so each test sets up what it reads and runs alone (`-t`). */
  const initProject = async (name: string): Promise<number> =>
    (
      await call<{ id: number }>(codex, "project.init", {
        name,
        repo_path: tempDir(`res-repo-${name}`),
        grace_path: "docs",
        main_branch: "main",
      })
    ).id;
  const register = (project: number, name: string, role: string) =>
    call(codex, "agent.register", { project_id: project, name, primary_role: role, capabilities: [role] });

  test("the task resource is the task projection", async () => {
    const read = await codex.client.readResource({ uri: `orchestrator://task/${taskId}` });
    const first = read.contents[0] as { text: string; mimeType: string };
    expect(first.mimeType).toBe("application/json");
    expect(JSON.parse(first.text)).toMatchObject({
      id: taskId,
      status: "CODEX_TASK_CREATED",
      allowed_files: ["src/**"],
    });
  });

  test("read authorization applies: an unregistered GLM is refused, then allowed once registered", async () => {
    const project = await initProject("p-read-authorization");
    await expect(glm.client.readResource({ uri: `orchestrator://project/${project}` })).rejects.toThrow(
      /ACTOR_ROLE_NOT_GRANTED: .* agent 'glm-1' is not registered in project/,
    );
    await register(project, "glm-1", "glm");
    const read = await glm.client.readResource({ uri: `orchestrator://project/${project}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({
      id: project,
      name: "p-read-authorization",
    });
  });

  test("a GRACE artifact resource serves the newest revision", async () => {
    const project = await initProject("p-artifacts");
    await register(project, "glm-1", "glm");
    const task = await createMinimalTask(codex, project);
    const uri = `grace://project/${project}/requirements.xml`;
    await expect(glm.client.readResource({ uri })).rejects.toThrow(
      `No requirements artifact has been registered for project ${project}`,
    );
    for (const content of ["<requirements v='1'/>", "<requirements v='2'/>"]) {
      await call(glm, "grace.upsert_artifact", {
        project_id: project,
        task_id: task,
        artifact_type: "requirements",
        content,
        path: "docs/requirements.xml",
      });
    }
    const read = await glm.client.readResource({ uri });
    expect((read.contents[0] as { text: string }).text).toBe("<requirements v='2'/>");
  });

  test("workers get only the summaries, submissions and reviews (read-authorized); everyone gets the workflow prompts", async () => {
    const templates = await worker.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      "orchestrator://review/{id}",
      "orchestrator://submission/{id}",
      "orchestrator://task/{id}/summary",
      "orchestrator://workpackage/{id}/summary",
    ]);
    // Registered, but not assigned to any package of the task: the summary is refused like task.get_summary.
    await register(projectId, "junior-1", "worker_junior");
    await expect(
      worker.client.readResource({ uri: `orchestrator://task/${taskId}/summary` }),
    ).rejects.toThrow(/not authorized|not assigned/);
    const summary = await codex.client.readResource({ uri: `orchestrator://task/${taskId}/summary` });
    expect(JSON.parse((summary.contents[0] as { text: string }).text)).toMatchObject({
      id: taskId,
      title: "t",
    });
    const prompts = await worker.client.listPrompts();
    expect(prompts.prompts.map((p) => p.name)).toContain("worker_implement_package");
    const got = await codex.client.getPrompt({ name: "codex_final_acceptance" });
    expect(JSON.stringify(got.messages)).toContain("never precedes GLM acceptance");
  });
});
