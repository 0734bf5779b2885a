import { afterAll, beforeAll, expect, test } from "vitest";
import {
  call,
  callError,
  connect,
  createMinimalTask,
  tempDir,
  type Connected,
} from "../helpers/mcp-client.js";

let codex: Connected, owner: Connected;
const dataDir = tempDir("deleg-data");
const repo = tempDir("deleg-repo");
const repo2 = tempDir("deleg-repo2");

beforeAll(async () => {
  [codex, owner] = await Promise.all([
    connect(dataDir, { name: "codex-main", role: "codex" }),
    connect(dataDir, { name: "owner-1", role: "test_owner" }),
  ]);
});
afterAll(async () => {
  await Promise.all([codex?.close(), owner?.close()]);
});

test("a task-scoped delegation lets a substitute act on that task only, until it is revoked", async () => {
  const project = await call<{ id: number }>(codex, "project.init", {
    name: "p",
    repo_path: repo,
    grace_path: ".",
    main_branch: "main",
  });
  // The GLM owner is registered but away; the test owner may stand in (it holds the glm capability).
  await call(codex, "agent.register", {
    project_id: project.id,
    name: "glm-1",
    primary_role: "glm",
    capabilities: ["glm"],
    availability: "unavailable",
  });
  await call(codex, "agent.register", {
    project_id: project.id,
    name: "owner-1",
    primary_role: "test_owner",
    capabilities: ["test_owner", "glm"],
  });
  const taskA = await createMinimalTask(codex, project.id, "A");
  const taskB = await createMinimalTask(codex, project.id, "B");
  const refused = `Actor 'owner-1' is not authorized for role glm on project ${project.id}`;
  expect(await callError(owner, "task.plan", { task_id: taskA })).toBe(refused);

  const delegation = await call<{ id: number; expires_at: string; task_id: number }>(codex, "role.delegate", {
    project_id: project.id,
    task_id: taskA,
    unavailable_role: "glm",
    substitute_actor: "owner-1",
    reason: "GLM is away today",
    expires_at: "2099-01-01T00:00:00", // no zone: read as UTC
  });
  expect(delegation).toMatchObject({ task_id: taskA, expires_at: "2099-01-01T00:00:00.000Z" });

  expect((await call<{ status: string }>(owner, "task.plan", { task_id: taskA })).status).toBe(
    "GLM_GRACE_PLANNED",
  );
  expect(await callError(owner, "task.plan", { task_id: taskB })).toBe(refused);

  const revoked = await call<{ revoked_at: string | null; revoke_reason: string }>(codex, "role.revoke", {
    delegation_id: delegation.id,
    reason: "GLM is back",
  });
  expect(revoked.revoked_at).not.toBeNull();
  expect(revoked.revoke_reason).toBe("GLM is back");
  expect(
    await callError(owner, "verification.register_plan", {
      task_id: taskA,
      test_strategy: "s",
      test_commands: [],
    }),
  ).toBe(refused);

  const audit = await call<{ result: { event_type: string; target_id: number }[] }>(codex, "audit.list", {});
  const rows = audit.result.filter((r) => r.target_id === delegation.id && r.event_type.startsWith("role."));
  expect(rows.map((r) => r.event_type)).toEqual(["role.delegated", "role.revoked"]);
});

test("delegation refusals: codex authority, an available owner, a past expiry", async () => {
  const project = await call<{ id: number }>(codex, "project.init", {
    name: "q",
    repo_path: repo2,
    grace_path: ".",
    main_branch: "main",
  });
  await call(codex, "agent.register", {
    project_id: project.id,
    name: "glm-1",
    primary_role: "glm",
    capabilities: ["glm"],
  });
  await call(codex, "agent.register", {
    project_id: project.id,
    name: "owner-1",
    primary_role: "test_owner",
    capabilities: ["test_owner", "glm"],
  });
  const base = { project_id: project.id, task_id: null, substitute_actor: "owner-1", reason: "r" };
  expect(
    await callError(codex, "role.delegate", {
      ...base,
      unavailable_role: "codex",
      expires_at: "2099-01-01T00:00:00Z",
    }),
  ).toBe("Codex authority cannot be delegated");
  expect(
    await callError(codex, "role.delegate", {
      ...base,
      unavailable_role: "glm",
      expires_at: "2099-01-01T00:00:00Z",
    }),
  ).toBe("Cannot delegate glm: an assigned available agent already owns that role");
  await call(codex, "agent.set_availability", {
    project_id: project.id,
    name: "glm-1",
    availability: "unavailable",
  });
  expect(
    await callError(codex, "role.delegate", {
      ...base,
      unavailable_role: "glm",
      expires_at: "2001-01-01T00:00:00Z",
    }),
  ).toMatch(/expiry must be in the future/);
  expect(
    await callError(codex, "role.delegate", { ...base, unavailable_role: "glm", expires_at: "next tuesday" }),
  ).toBe("Role delegation requires an ISO-8601 expires_at (e.g. 2030-01-31T12:00:00Z), got 'next tuesday'");
});
