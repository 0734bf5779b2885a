import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createPackage,
  createTask,
  inProcessCaller,
  makeGraceRepo,
  planCreatedTask,
  planTask,
} from "../helpers/git-repo-lifecycle.js";
import { REPO_ROOT, tempDir } from "../helpers/mcp-client.js";

const CLI = path.join(REPO_ROOT, "dist", "src", "cli", "bin", "grace-status.js");
const REASON = "Needs a production credential only a person can grant";
const dataDir = tempDir("status-escalation");
let world: ReturnType<typeof inProcessCaller>;
const ids = { task: 0, other: 0, escalated: 0, blocked: 0 };

beforeAll(async () => {
  world = inProcessCaller(dataDir);
  const { repo, base } = makeGraceRepo();
  const { projectId, taskId } = await planTask(world.call, repo);
  ids.task = taskId;
  ids.escalated = (await createPackage(world.call, taskId, base)).id;
  // The blocked package belongs to a second task of the same project.
  const other = (await createTask(world.call, projectId, { title: "Second task" })).id;
  await planCreatedTask(world.call, other);
  ids.blocked = (await createPackage(world.call, other, base)).id;
  ids.other = other;
  // The blocked worker asks first; the escalation comes later yet is listed first.
  for (const key of ["blocked", "escalated"] as const) {
    await world.call("junior", "workpackage.claim", { work_package_id: ids[key] });
    await world.call("junior", "handoff.report_worker_event", {
      work_package_id: ids[key],
      event_type: "WORKER_BLOCKED",
      message: `stuck on ${key}`,
    });
  }
  await world.call("codex", "handoff.escalate_to_user", { work_package_id: ids.escalated, reason: REASON });
});
afterAll(async () => {
  await world?.close();
});

test("grace-status lists an escalation first in needs-attention, with its reason, until the package moves on", async () => {
  const read = () =>
    spawnSync(process.execPath, [CLI, "--data-dir", dataDir], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      timeout: 30_000,
    }).stdout.split("\n");
  const lines = read();
  const at = lines.indexOf("Needs attention (2):");
  expect(at).toBeGreaterThan(-1);
  expect(lines[at + 1]).toBe(
    `  ! WP #${ids.escalated} (task #${ids.task}) escalated to the user, just now: ${REASON}`,
  );
  expect(lines[at + 2]).toBe(
    `  ! WP #${ids.blocked} (task #${ids.other}) WORKER_BLOCKED, just now: stuck on blocked`,
  );

  await world.call("codex", "workpackage.force_reset", {
    work_package_id: ids.escalated,
    reason: "credential granted, start again",
    expected_current_status: "HUMAN_INTERVENTION_REQUIRED",
  });
  expect(read()).toContain("Needs attention (1):");
});
