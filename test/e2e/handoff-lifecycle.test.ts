import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, test } from "vitest";
import { at, parsed, record, objects, str } from "../helpers/answer.js";
import { call as mcpCall, tempDir } from "../helpers/mcp-client.js";
import {
  STORE,
  commitFiles,
  createPackage,
  makeGraceRepo,
  mcpCaller,
  planTask,
  submit,
  type Caller,
  type Result,
} from "../helpers/git-repo-lifecycle.js";

let world: Awaited<ReturnType<typeof mcpCaller>>;
const dataDir = tempDir("handoff-life");

beforeAll(async () => {
  world = await mcpCaller(dataDir);
});
afterAll(async () => {
  await world?.close();
});

function wait(args: Record<string, unknown>): Promise<Result> {
  return mcpCall<Result>(world.servers.codex, "handoff.wait_for_event", { timeout_seconds: 30, ...args });
}

test("with the real lifecycle tools, a controller wait wakes on the worker's BLOCKED and READY_FOR_REVIEW events", async () => {
  const call: Caller["call"] = world.call;
  const { repo, base } = makeGraceRepo();
  const planned = await planTask(call, repo);
  const pkg = await createPackage(call, planned.taskId, base);
  await call("junior", "workpackage.claim", { work_package_id: pkg.id });

  const blockedWait = wait({ work_package_id: pkg.id });
  await new Promise((r) => setTimeout(r, 200));
  let t0 = performance.now();
  await call("junior", "handoff.report_worker_event", {
    work_package_id: pkg.id,
    event_type: "WORKER_BLOCKED",
    message: "need the order id format",
  });
  const blocked = await blockedWait;
  // Without the cross-process wake the wait would only notice at its 5 s re-read.
  expect(performance.now() - t0).toBeLessThan(1_000);
  expect(blocked.status).toBe("event");
  expect(objects(blocked, "events").map((e) => e.type)).toEqual(["WORKER_BLOCKED"]);

  const readyWait = wait({ task_id: planned.taskId, after_event_id: blocked.next_after_event_id });
  await new Promise((r) => setTimeout(r, 200));
  const head = commitFiles(repo, { [STORE]: "export const saveOrder = () => 'dup-checked';\n" });
  t0 = performance.now();
  const submission = await submit(call, "junior", planned.taskId, pkg.id, head, [STORE]);
  const ready = await readyWait;
  expect(performance.now() - t0).toBeLessThan(2_000);
  expect(ready.status).toBe("event");
  expect(ready.events).toHaveLength(1);
  expect(at(ready, "events", 0)).toMatchObject({
    type: "WORKER_READY_FOR_REVIEW",
    work_package_id: pkg.id,
    payload: { submission_id: submission.id, head_commit: head },
  });

  const listed = objects(
    await mcpCall(world.servers.codex, "handoff.list_events", { work_package_id: pkg.id }),
    "events",
  );
  const lines = fs
    .readFileSync(str(blocked, "events_path"), "utf8")
    .trim()
    .split("\n")
    .map((l) => record(parsed(l)));
  expect(lines.map((l) => [l.seq, l.event_id])).toEqual(listed.map((e) => [e.seq, e.event_id]));
  expect(lines.map((l) => l.type)).toEqual(["WORKER_BLOCKED", "WORKER_READY_FOR_REVIEW"]);
});
