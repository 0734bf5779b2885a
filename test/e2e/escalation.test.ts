import { afterAll, beforeAll, expect, test } from "vitest";
import { at, objects } from "../helpers/answer.js";
import {
  createPackage,
  createTask,
  makeGraceRepo,
  planTask,
  type Result,
} from "../helpers/git-repo-lifecycle.js";
import { call as mcpCall, callError, connect, type Connected } from "../helpers/mcp-client.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

const { dataDir, world } = useMcpWorld("escalation");
let user: Connected;
beforeAll(async () => {
  user = await connect(dataDir, { name: "human", role: "user" });
});
afterAll(async () => {
  await user?.close();
});

async function items(c: Connected): Promise<Result[]> {
  return objects(await mcpCall(c, "inbox.list", { limit: 50 }), "items");
}

test("Codex escalates a claimed package: HUMAN_INTERVENTION_REQUIRED, the event with its reason, first in the user's inbox until reset", async () => {
  const { repo, base } = makeGraceRepo();
  const { projectId, taskId } = await planTask(world().call, repo);
  const pkg = await createPackage(world().call, taskId, base);
  await world().call("junior", "workpackage.claim", { work_package_id: pkg.id });

  // An older intervention the user already has: another task parked by hand.
  const other = await createTask(world().call, projectId, { title: "Parked task" });
  await mcpCall(user, "task.force_transition", {
    entity_type: "task",
    entity_id: other.id,
    target_status: "HUMAN_INTERVENTION_REQUIRED",
    expected_current_status: "CODEX_TASK_CREATED",
    reason: "parked by the user for a manual check",
  });

  expect(
    await world().refuse("codex", "handoff.escalate_to_user", {
      work_package_id: pkg.id,
      task_id: taskId,
      reason: "both ids are not allowed here",
    }),
  ).toBe("handoff.escalate_to_user needs exactly one of work_package_id or task_id");

  const reason = "The worker needs production credentials only a person can grant";
  const answer = await world().call("codex", "handoff.escalate_to_user", { work_package_id: pkg.id, reason });
  expect(answer).toMatchObject({
    status: "escalated",
    target_type: "work_package",
    target_id: pkg.id,
    status_before: "CLAIMED_JUNIOR",
    status_after: "HUMAN_INTERVENTION_REQUIRED",
    moved: true,
    reason,
  });
  const events = await world().call("codex", "handoff.list_events", { work_package_id: pkg.id });
  const escalated = objects(events, "events").find((e) => e.type === "CONTROLLER_ESCALATED_TO_USER");
  expect(escalated).toMatchObject({
    event_id: at(answer, "event_ids", 0),
    payload: { reason, escalated_by: "codex-main", from_status: "CLAIMED_JUNIOR" },
  });
  expect((await world().call("codex", "workpackage.get_summary", { work_package_id: pkg.id })).status).toBe(
    "HUMAN_INTERVENTION_REQUIRED",
  );

  const userItems = await items(user);
  expect(userItems.map((i) => i.item_id)).toEqual([
    `work-package:${pkg.id}:escalation`,
    `task:${other.id}:intervention`,
  ]);
  expect(userItems[0]).toMatchObject({
    kind: "escalation",
    context: { reason, escalated_by: "codex-main", intervention_required: true },
    next_action: { tool: "workpackage.get_summary", arguments: { work_package_id: pkg.id } },
  });
  // Codex sees the parked package as an ordinary intervention; the junior no longer has it.
  expect((await items(world().servers.codex)).map((i) => i.item_id)).toContain(
    `work-package:${pkg.id}:intervention`,
  );
  expect((await items(world().servers.junior)).map((i) => i.work_package_id)).not.toContain(pkg.id);

  await mcpCall(user, "workpackage.force_reset", {
    work_package_id: pkg.id,
    reason: "credentials granted, start again",
    expected_current_status: "HUMAN_INTERVENTION_REQUIRED",
  });
  expect((await items(user)).map((i) => i.item_id)).toEqual([`task:${other.id}:intervention`]);

  // A cancelled package cannot be escalated; its task can, and the event lands on that package.
  await world().call("glm", "workpackage.cancel", { work_package_id: pkg.id, reason: "superseded" });
  expect(await world().refuse("codex", "handoff.escalate_to_user", { work_package_id: pkg.id, reason })).toBe(
    `Work package ${pkg.id} is CANCELLED, which cannot be escalated; allowed statuses: CREATED, ASSIGNED, CLAIMED_JUNIOR, CLAIMED_PRO, SUBMITTED, GLM_REVIEW_IN_PROGRESS, REPAIR_REQUIRED, HUMAN_INTERVENTION_REQUIRED`,
  );
  const onTask = await world().call("codex", "handoff.escalate_to_user", { task_id: taskId, reason });
  expect(onTask).toMatchObject({
    target_type: "task",
    status_before: "GLM_TESTS_PREPARED",
    status_after: "HUMAN_INTERVENTION_REQUIRED",
  });
  expect(onTask.event_ids).toHaveLength(1);
  expect((await items(user))[0]).toMatchObject({ item_id: `task:${taskId}:escalation`, kind: "escalation" });
});

test("only Codex may escalate", async () => {
  expect(
    await callError(world().servers.glm, "handoff.escalate_to_user", { task_id: 1, reason: "x".repeat(20) }),
  ).toMatch(/not found/i);
});
