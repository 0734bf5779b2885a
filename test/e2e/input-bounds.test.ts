import { expect, test } from "vitest";
import { num } from "../helpers/answer.js";
import { makeGraceRepo, planTask } from "../helpers/git-repo-lifecycle.js";
import { snapshotLedger } from "../helpers/ledger-snapshot.js";
import { callError } from "../helpers/mcp-client.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

const { dataDir, world } = useMcpWorld("input-bounds");

/** A mapping of many ordinary entries, `bytes` long in all: a plan pasted whole into one argument. */
function mapping(bytes: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i * 1_000 < bytes; i += 1) out[`AC-${i}`] = "x".repeat(990);
  return out;
}

test("a 9.9 MB verification plan is refused naming the field and the limit, and the ledger is unchanged", async () => {
  const { repo } = makeGraceRepo();
  const { projectId } = await planTask(world().call, repo);
  const task = await world().call("codex", "task.create_codex_task", {
    project_id: projectId,
    title: "A task awaiting its plan",
    objective: "o",
    architecture_intent: "a",
    constraints: [],
    non_goals: [],
    acceptance_criteria: ["AC-0"],
    allowed_files: ["src/**"],
    forbidden_files: [],
  });
  await world().call("glm", "task.plan", { task_id: task.id });
  const taskId = num(task, "id");
  const before = snapshotLedger(dataDir);
  const message = await callError(world().servers.glm, "verification.register_plan", {
    task_id: taskId,
    test_strategy: "unit tests per module",
    test_commands: ["unit"],
    acceptance_mapping: mapping(9.9 * 1024 * 1024),
  });
  expect(message).toContain("acceptance_mapping is");
  expect(message).toContain("the limit is 65536 bytes");
  expect(snapshotLedger(dataDir)).toEqual(before);

  // The same plan at an ordinary size is stored: the refusal was the size, nothing else.
  const stored = await world().call("glm", "verification.register_plan", {
    task_id: taskId,
    test_strategy: "unit tests per module",
    test_commands: ["unit"],
    acceptance_mapping: mapping(20_000),
  });
  expect(stored).toMatchObject({ task_id: taskId });
});

test("a worker report nested deeper than the limit is refused naming the field and the depth", async () => {
  let deep: unknown = "leaf";
  for (let i = 0; i < 20; i += 1) deep = { inner: deep };
  const before = snapshotLedger(dataDir);
  const message = await callError(world().servers.junior, "gate.validate_worker_report", {
    work_package_id: 1,
    worker_report: { notes: deep },
  });
  expect(message).toContain("worker_report is nested more than 8 levels deep");
  expect(snapshotLedger(dataDir)).toEqual(before);
});
