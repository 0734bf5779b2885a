import { afterAll, beforeAll, expect, test } from "vitest";
import { num } from "../helpers/answer.js";
import {
  commitFiles,
  PACKET_ARGS,
  makeGraceRepo,
  mcpCaller,
  planTask,
  STORE,
  submit,
  type Caller,
  type Planned,
} from "../helpers/git-repo-lifecycle.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

// The identity is whatever the environment declares; these servers declare a role the ledger
// never gave their name. Every tool but whoami must refuse them, on every call.
const dataDir = tempDir("authority-data");
let world: Caller & { servers: Record<string, Connected> };
let juniorAsGlm: Connected, proAsTestOwner: Connected;
let planned: Planned;
let pkgA: number, pkgB: number;

beforeAll(async () => {
  world = await mcpCaller(dataDir);
  [juniorAsGlm, proAsTestOwner] = await Promise.all([
    connect(dataDir, { name: "junior-1", role: "glm" }),
    connect(dataDir, { name: "pro-1", role: "test_owner" }),
  ]);
  const { repo, base } = makeGraceRepo();
  planned = await planTask(world.call, repo);
  // One wave of two packages: created together, then both assigned.
  const create = (title: string) =>
    world.call("glm", "workpackage.create", { ...packageArgs(planned.taskId, base), title });
  pkgA = num(await create("First package"), "id");
  pkgB = num(await create("Second package"), "id");
  for (const id of [pkgA, pkgB]) await world.call("glm", "workpackage.assign", { work_package_id: id });
  await world.call("junior", "workpackage.claim", { work_package_id: pkgA });
  await submit(world.call, "junior", planned.taskId, pkgA, commitFiles(repo, { [STORE]: "// mine\n" }), [
    STORE,
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([world?.close(), juniorAsGlm?.close(), proAsTestOwner?.close()]);
});

function packageArgs(taskId: number, base: string): Record<string, unknown> {
  return {
    task_id: taskId,
    objective: "saveOrder raises DUPLICATE_ORDER for a known id",
    allowed_files: ["src/orderdesk/**"],
    forbidden_files: [],
    assigned_junior_agent: "junior-1",
    assigned_pro_agent: "pro-1",
    base_commit: base,
    ...PACKET_ARGS,
  };
}

function notGranted(name: string, role: string, where: string, registered: string): string {
  return (
    `ACTOR_ROLE_NOT_GRANTED: this server was started as '${name}' with role ${role} (GRACE_ORCHESTRATOR_ACTOR_ROLE), ` +
    `but the ledger does not grant that role ${where}: agent '${name}' is registered in ${registered}, ` +
    `and no active delegation gives it ${role}. Restart the server with a role the agent is registered for, ` +
    `or have codex register or delegate it.`
  );
}

async function packageStatus(id: number): Promise<string> {
  return (await world.call("codex", "workpackage.get_summary", { work_package_id: id })).status as string;
}

test("a name registered only as worker_junior, started as glm, cannot accept its own submission", async () => {
  expect(await packageStatus(pkgA)).toBe("SUBMITTED");
  const refusal = notGranted(
    "junior-1",
    "glm",
    "in any project",
    `project ${planned.projectId} as worker_junior (capabilities worker_junior)`,
  );
  const accept = { target_id: pkgA, decision: "accepted", findings: [], required_fixes: [] };
  expect(await callError(juniorAsGlm, "review.glm_submit", accept)).toBe(refusal);
  // Every call, not only the first.
  expect(await callError(juniorAsGlm, "task.get", { task_id: planned.taskId })).toBe(refusal);
  expect(await callError(juniorAsGlm, "review.glm_submit", accept)).toBe(refusal);
  expect(await packageStatus(pkgA)).toBe("SUBMITTED");
  // whoami still answers, and says why nothing else will.
  expect(await call(juniorAsGlm, "orchestrator.whoami")).toMatchObject({
    actor_name: "junior-1",
    primary_role: "glm",
    granted_role: null,
    authority_problem: refusal,
  });
});

test("a worker started in a role its registration does not give reads not even its own submission", async () => {
  const juniorAsPro = await connect(dataDir, { name: "junior-1", role: "worker_pro" });
  try {
    const task = await world.call("codex", "task.get", { task_id: planned.taskId });
    const submissions = task.submissions as { id: number; submitted_by_agent: string }[];
    const own = submissions.find((s) => s.submitted_by_agent === "junior-1")!;
    const refusal = notGranted(
      "junior-1",
      "worker_pro",
      `on project ${planned.projectId}`,
      `project ${planned.projectId} as worker_junior (capabilities worker_junior)`,
    );
    await expect(
      juniorAsPro.client.readResource({ uri: `orchestrator://submission/${own.id}` }),
    ).rejects.toThrow(refusal);
  } finally {
    await juniorAsPro.close();
  }
});

test("a worker_pro started as test_owner can neither read the whole task nor cancel another package", async () => {
  // The pro may stand in for GLM on this task (capability plus a task-scoped delegation): its
  // authority is glm there, never test_owner, which the environment alone claims.
  await world.call("codex", "agent.register", {
    project_id: planned.projectId,
    name: "pro-1",
    primary_role: "worker_pro",
    capabilities: ["worker_pro", "glm"],
    mimo_model: "zai/glm-4.7-flash",
  });
  await world.call("codex", "agent.set_availability", {
    project_id: planned.projectId,
    name: "glm-1",
    availability: "unavailable",
  });
  await world.call("codex", "role.delegate", {
    project_id: planned.projectId,
    task_id: planned.taskId,
    unavailable_role: "glm",
    substitute_actor: "pro-1",
    reason: "GLM is away",
    expires_at: "2099-01-01T00:00:00Z",
  });
  const refusal = notGranted(
    "pro-1",
    "test_owner",
    "in any project",
    `project ${planned.projectId} as worker_pro (capabilities glm, worker_pro)`,
  );
  expect(await callError(proAsTestOwner, "task.get", { task_id: planned.taskId })).toBe(refusal);
  expect(
    await callError(proAsTestOwner, "workpackage.cancel", { work_package_id: pkgB, reason: "mine now" }),
  ).toBe(refusal);
  expect(await packageStatus(pkgB)).toBe("ASSIGNED");

  // Started as a role the ledger does give it, the same name acts within that grant.
  const proAsGlm = await connect(dataDir, { name: "pro-1", role: "glm" });
  try {
    expect((await call(proAsGlm, "orchestrator.whoami")).authority_problem).toBeNull();
    expect(await call(proAsGlm, "task.get", { task_id: planned.taskId })).toMatchObject({
      id: planned.taskId,
    });
  } finally {
    await proAsGlm.close();
  }
});
