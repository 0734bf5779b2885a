import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  readLaunchRecords,
  startSupervisor,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

interface Delivery {
  continuation_id: string;
  source_event_id: string;
  attempt_id: string;
  state: string;
  controller_session_id: string | null;
}

describe("host continuation end to end", () => {
  const dataDir = tempDir("cont-e2e-data");
  const repo = tempDir("cont-e2e-repo");
  const recordDir = tempDir("cont-e2e-launches");
  let seeded: ReturnType<typeof seedClaimedPackage>;
  let codex: Connected, worker: Connected, glm: Connected;
  let supervisor: RunningSupervisor;

  beforeAll(async () => {
    seeded = seedClaimedPackage(dataDir, repo, "junior-1", 1);
    [codex, worker, glm] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
      connect(dataDir, { name: "glm-1", role: "glm" }),
    ]);
    supervisor = await startSupervisor(dataDir, recordDir, "exec {prompt_file}");
  });

  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all([codex, worker, glm].map((c) => c?.close()));
  });

  test("a worker event reported over MCP launches the controller at once, not after the poll interval", async () => {
    const before = performance.now();
    const event = await call<{ event_id: string }>(worker, "handoff.report_worker_event", {
      work_package_id: seeded.packageId,
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: "which schema version?",
    });
    let launches = readLaunchRecords(recordDir);
    while (launches.length === 0 && performance.now() - before < 20_000) {
      await new Promise((r) => setTimeout(r, 5));
      launches = readLaunchRecords(recordDir);
    }
    const elapsed = performance.now() - before;
    console.log(
      `report_worker_event call → controller launch recorded: ${elapsed.toFixed(0)} ms (poll interval 60 s)`,
    );
    expect(launches).toHaveLength(1);
    expect(elapsed).toBeLessThan(3_000);
    const launch = launches[0]!;
    expect(launch.env.GRACE_CONTINUATION_SOURCE_EVENT_ID).toBe(event.event_id);
    expect(launch.argv[0]).toBe("exec");
    const prompt = fs.readFileSync(launch.argv[1]!, "utf8");
    expect(prompt).toContain("Continue GRACE controller review");
    expect(prompt).toContain("- title: wp-0"); // rebuilt from the ledger
    expect(prompt).toContain("- package status: CLAIMED_JUNIOR");
    expect(prompt).toContain("which schema version?");
    // The controller starts in the project repo (no worktree recorded).
    expect(launch.cwd).toBe(fs.realpathSync(repo));

    // The revived controller ACKs with the keys from its environment, then resolves.
    const keys = {
      continuation_id: launch.env.GRACE_CONTINUATION_ID,
      source_event_id: launch.env.GRACE_CONTINUATION_SOURCE_EVENT_ID,
      attempt_id: launch.env.GRACE_CONTINUATION_ATTEMPT_ID,
    };
    expect(
      (await call<Delivery>(codex, "continuation.get", { continuation_id: keys.continuation_id })).state,
    ).toBe("CONTROLLER_STARTED");
    const acked = await call<Delivery>(codex, "continuation.ack", {
      ...keys,
      controller_session_id: "sess-e2e",
    });
    expect(acked).toMatchObject({ state: "ACKNOWLEDGED", controller_session_id: "sess-e2e" });
    expect(
      await callError(codex, "continuation.ack", { ...keys, attempt_id: "att_0000000000000000" }),
    ).toContain("attempt_id mismatch");
    const resolved = await call<Delivery>(codex, "continuation.resolve", {
      ...keys,
      resolution_notes: "answered",
    });
    expect(resolved.state).toBe("RESOLVED");
    expect(
      await callError(codex, "continuation.requeue_dead_letter", {
        continuation_id: keys.continuation_id,
        reason: "try it once more",
      }),
    ).toContain("not DEAD_LETTER");
    // glm sees none of the continuation tools.
    const glmTools = (await glm.client.listTools()).tools.map((t) => t.name);
    expect(glmTools.filter((n) => n.startsWith("continuation."))).toEqual([]);
  });
});
