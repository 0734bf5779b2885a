import fs from "node:fs";
import { performance } from "node:perf_hooks";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";
import { seedClaimedPackage, type Seeded } from "../helpers/seed-ledger.js";

interface WaitResult {
  status: string;
  events: { type: string; event_id: string; payload: { message?: string }; seq: number }[];
  event_count: number;
  next_after_event_id: string | null;
  events_path: string | null;
  effective_timeout_seconds: number;
}

describe("handoff wait across server processes", () => {
  const dataDir = tempDir("handoff-data");
  const repo = tempDir("handoff-repo");
  let seeded: Seeded & { packageIds: number[] };
  let codex: Connected, worker: Connected, other: Connected;

  beforeAll(async () => {
    seeded = seedClaimedPackage(dataDir, repo, "junior-1", 2);
    [codex, worker, other] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
      connect(dataDir, { name: "junior-2", role: "worker_junior" }),
    ]);
    // A registered worker that did not claim the package: refused by the claim, not by the ledger's grant.
    await call(codex, "agent.register", {
      project_id: seeded.projectId,
      name: "junior-2",
      primary_role: "worker_junior",
      capabilities: ["worker_junior"],
    });
  });
  afterAll(async () => {
    await Promise.all([codex, worker, other].map((c) => c?.close()));
  });

  test("the null cursor of a timeout on an empty package is taken back by the wait and the page", async () => {
    const empty = await call<WaitResult>(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageIds[1],
      timeout_seconds: 1,
    });
    expect(empty).toMatchObject({ status: "timeout", event_count: 0, next_after_event_id: null });
    const again = await call<WaitResult>(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageIds[1],
      after_event_id: empty.next_after_event_id,
      timeout_seconds: 1,
    });
    expect(again).toMatchObject({ status: "timeout", next_after_event_id: null });
    const page = await call<{ items: unknown[]; has_more: boolean }>(codex, "handoff.list_events_page", {
      work_package_id: seeded.packageIds[1],
      after_event_id: null,
    });
    expect(page).toMatchObject({ items: [], has_more: false });
  });

  test("a codex wait on a package returns the worker's WORKER_BLOCKED as soon as it is reported", async () => {
    const started = performance.now();
    const waiting = call<WaitResult>(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageId,
      timeout_seconds: 30,
    });
    await new Promise((r) => setTimeout(r, 300)); // let the wait subscribe and block
    const reportedAt = performance.now();
    const event = await call<{ event_id: string; type: string; events_path: string }>(
      worker,
      "handoff.report_worker_event",
      {
        work_package_id: seeded.packageId,
        event_type: "WORKER_BLOCKED",
        message: "  the fixture repo is missing  ",
      },
    );
    const result = await waiting;
    const latency = performance.now() - reportedAt;
    console.log(
      `report → wait returned: ${latency.toFixed(1)} ms (includes the report call's own round trip)`,
    );
    expect(result.status).toBe("event");
    // The wait re-reads the ledger every 5 s even without a wake: under 1 s proves the wake itself.
    expect(latency).toBeLessThan(1_000);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ type: "WORKER_BLOCKED", event_id: event.event_id, seq: 1 });
    expect(result.events[0]!.payload.message).toBe("the fixture repo is missing");
    expect(result.next_after_event_id).toBe(event.event_id);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Durable first, then visible: the NDJSON line exists once the wait has returned.
    const lines = fs.readFileSync(event.events_path, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ event_id: event.event_id, seq: 1, type: "WORKER_BLOCKED" });
  });

  test("resuming after the cursor waits for the next event; a task-wide wait sees any package", async () => {
    const first = await call<WaitResult>(codex, "handoff.wait_for_event", {
      work_package_id: seeded.packageId,
      after_event_count: 0,
      timeout_seconds: 5,
    });
    expect(first.status).toBe("event");
    const waiting = call<WaitResult>(codex, "handoff.wait_for_event", {
      task_id: seeded.taskId,
      after_event_id: first.next_after_event_id!,
      timeout_seconds: 30,
    });
    await new Promise((r) => setTimeout(r, 200));
    const reportedAt = performance.now();
    await call(worker, "handoff.report_worker_event", {
      work_package_id: seeded.packageIds[1],
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: "which schema?",
    });
    const next = await waiting;
    expect(performance.now() - reportedAt).toBeLessThan(1_000);
    expect(next.status).toBe("event");
    expect(next.events_path).toMatch(new RegExp(`package-${seeded.packageIds[1]}[\\/]events\\.ndjson$`));
    expect(next.events.map((e) => e.type)).toEqual(["WORKER_NEEDS_CONTROLLER"]);
    expect(next.event_count).toBe(2);
  });

  test("with nothing new the wait times out at its effective bound and reports both timeouts", async () => {
    const events = await call<{ events: unknown[] }>(codex, "handoff.list_events", {
      work_package_id: seeded.packageId,
    });
    const started = performance.now();
    const result = await call<WaitResult & { requested_timeout_seconds: number }>(
      codex,
      "handoff.wait_for_event",
      {
        work_package_id: seeded.packageId,
        after_event_count: events.events.length,
        timeout_seconds: 1,
      },
    );
    const took = performance.now() - started;
    expect(result.status).toBe("timeout");
    expect(result.events).toEqual([]);
    expect(result.requested_timeout_seconds).toBe(1);
    expect(result.effective_timeout_seconds).toBeCloseTo(0.9, 5);
    expect(took).toBeGreaterThanOrEqual(850);
    expect(took).toBeLessThan(3_000);
  });

  test("the effective wait is capped below the client's tool-call limit", async () => {
    const capped = await connect(
      dataDir,
      { name: "codex-main", role: "codex" },
      {
        GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS: "3",
        GRACE_HANDOFF_WAIT_TRANSPORT_GRACE_SECONDS: "2",
      },
    );
    try {
      const started = performance.now();
      const r = await call<WaitResult>(capped, "handoff.wait_for_event", {
        work_package_id: seeded.packageId,
        after_event_count: 99,
        timeout_seconds: 600,
      });
      expect(r.status).toBe("timeout");
      expect(r.effective_timeout_seconds).toBe(1);
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      await capped.close();
    }
  });

  test("a cancelled wait stops at once and progress is sent while waiting", async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const started = performance.now();
    const pending = codex.client.callTool(
      {
        name: "handoff.wait_for_event",
        arguments: { work_package_id: seeded.packageId, after_event_count: 99, timeout_seconds: 30 },
      },
      undefined,
      { signal: controller.signal, onprogress: (p) => progress.push(p.progress), timeout: 60_000 },
    );
    setTimeout(() => controller.abort("user cancelled"), 5_600);
    await expect(pending).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(7_000);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // The server is still healthy after the cancellation and the waiter is gone.
    const again = (await codex.client.callTool({
      name: "orchestrator.whoami",
      arguments: {},
    })) as CallToolResult;
    expect(again.isError).toBeFalsy();
    const channel = `${dataDir}/signals/package-${seeded.packageId}`;
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(channel) ? fs.readdirSync(channel).filter((f) => !f.startsWith(".")) : []).toEqual(
      [],
    );
  });

  test("only the claimer may report, only the three worker types, with a message", async () => {
    expect(
      await callError(other, "handoff.report_worker_event", {
        work_package_id: seeded.packageId,
        event_type: "WORKER_BLOCKED",
        message: "x",
      }),
    ).toBe(
      `Only the currently claimed worker may report a handoff event: work package ${seeded.packageId} is claimed by junior-1, not junior-2`,
    );
    expect(
      await callError(worker, "handoff.report_worker_event", {
        work_package_id: seeded.packageId,
        event_type: "CONTROLLER_ACCEPTED",
        message: "x",
      }),
    ).toBe(
      `MCP error -32602: Input validation error: Invalid arguments for tool handoff.report_worker_event (work package ${seeded.packageId}): must be one of WORKER_BLOCKED, WORKER_NEEDS_CONTROLLER, WORKER_FAILED, got "CONTROLLER_ACCEPTED" at event_type`,
    );
    expect(
      await callError(worker, "handoff.report_worker_event", {
        work_package_id: seeded.packageId,
        event_type: "WORKER_FAILED",
        message: "   ",
      }),
    ).toMatch(/non-empty message|Input validation/);
  });
});
