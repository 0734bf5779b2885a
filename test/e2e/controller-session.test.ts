import { spawnSync } from "node:child_process";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  fakeControllerTemplate,
  readLaunchRecords,
  startSupervisor,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { REPO_ROOT, call, connect, resultValue, tempDir, type Connected } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

interface StatusJson {
  projects: {
    tasks: {
      controller_session_id: string | null;
      work_packages: { controller_session_id: string | null }[];
    }[];
  }[];
}

/** A tool call carrying `_meta` the way Codex sends it; fails the test on isError. */
async function callWithMeta(
  c: Connected,
  name: string,
  args: Record<string, unknown>,
  meta: Record<string, unknown>,
) {
  const result = (await c.client.callTool({ name, arguments: args, _meta: meta })) as CallToolResult;
  expect(result.isError ?? false).toBe(false);
  return resultValue(result);
}

function status(dataDir: string): StatusJson {
  const cli = path.join(REPO_ROOT, "dist", "src", "cli", "status.js");
  const r = spawnSync(process.execPath, [cli, "--data-dir", dataDir, "--json"], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

describe("the controller's Codex session is recorded from its calls and resumed", () => {
  const dataDir = tempDir("ctl-session-data");
  const repo = tempDir("ctl-session-repo");
  const recordDir = tempDir("ctl-session-launches");
  let seeded: ReturnType<typeof seedClaimedPackage>;
  let codex: Connected, worker: Connected;
  let supervisor: RunningSupervisor;

  beforeAll(async () => {
    seeded = seedClaimedPackage(dataDir, repo, "junior-1", 1);
    [codex, worker] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
    ]);
    supervisor = await startSupervisor(dataDir, recordDir, "start {prompt_file}", {
      GRACE_CODEX_RESUME_COMMAND: fakeControllerTemplate("resume {controller_session_id} {prompt_file}"),
    });
  });

  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all([codex, worker].map((c) => c?.close()));
  });

  test("calls without _meta or from other roles record nothing; Codex's thread id is kept per task and package", async () => {
    const task = { task_id: seeded.taskId };
    const pkg = { work_package_id: seeded.packageId };
    await call(codex, "task.get", task); // no _meta: tolerated, nothing recorded
    await callWithMeta(worker, "workpackage.get_summary", pkg, { threadId: "thr-worker" }); // not the controller
    expect(status(dataDir).projects[0]!.tasks[0]!.controller_session_id).toBeNull();

    await callWithMeta(codex, "task.get", task, { threadId: "thr-task", sessionId: "thr-task" });
    // Only the nested turn metadata names the session here: the reader still finds it.
    await callWithMeta(codex, "workpackage.get_summary", pkg, {
      progressToken: 7,
      "x-codex-turn-metadata": { session_id: "thr-pkg" },
    });
    const shown = status(dataDir).projects[0]!.tasks[0]!;
    // A package call also concerns its task: the task-level row follows the latest session.
    expect(shown.controller_session_id).toBe("thr-pkg");
    expect(shown.work_packages[0]!.controller_session_id).toBe("thr-pkg");
  });

  test("a worker's event makes the supervisor resume the recorded session; continuation.get shows it", async () => {
    await callWithMeta(
      codex,
      "workpackage.get_summary",
      { work_package_id: seeded.packageId },
      {
        threadId: "019a-codex-thread",
      },
    );
    await call(worker, "handoff.report_worker_event", {
      work_package_id: seeded.packageId,
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: "which schema version?",
    });
    const until = Date.now() + 20_000;
    let launches = readLaunchRecords(recordDir);
    while (launches.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      launches = readLaunchRecords(recordDir);
    }
    expect(launches).toHaveLength(1);
    expect(launches[0]!.argv.slice(0, 2)).toEqual(["resume", "019a-codex-thread"]);
    const delivery = await call<{ recorded_controller_session: Record<string, unknown> | null }>(
      codex,
      "continuation.get",
      { continuation_id: launches[0]!.env.GRACE_CONTINUATION_ID },
    );
    expect(delivery.recorded_controller_session).toMatchObject({
      session_id: "019a-codex-thread",
      actor_name: "codex-main",
      work_package_id: seeded.packageId,
    });
  });
});
