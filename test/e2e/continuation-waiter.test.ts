/**
 * A controller alive inside handoff.wait_for_event takes the worker's trigger event; the host
 * supervisor then launches no second controller for it. Real server processes over MCP, a real
 * supervisor process, the fake controller recording every launch.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { continuationId } from "../../src/continuation/ids.js";
import {
  fakeControllerTemplate,
  readLaunchRecords,
  startSupervisor,
  type LaunchRecord,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { call, connect, REPO_ROOT, resultValue, tempDir, type Connected } from "../helpers/mcp-client.js";
import { NO_RETRY } from "../helpers/no-retry.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

interface Delivery {
  continuation_id: string;
  source_event_id: string;
  attempt_id: string | null;
  state: string;
  attempt_count: number;
  controller_session_id: string | null;
  resolution: unknown;
}

interface WaitAnswer {
  status: string;
  events: { event_id: string; type: string }[];
  held: { continuation_id: string; source_event_id: string; attempt_id: string }[];
}

const SUPERVISOR = path.join(REPO_ROOT, "dist", "src", "cli", "host-continuation.js");

/** One `grace-host-continuation --once` scan with the fake controller; its summary. */
function supervisorOnce(dataDir: string, recordDir: string) {
  const scan = spawnSync(process.execPath, [SUPERVISOR, "--data-dir", dataDir, "--once"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRACE_LOG_LEVEL: "warn",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate("exec {prompt_file}"),
      FAKE_CONTROLLER_RECORD_DIR: recordDir,
    },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(scan.status, scan.stderr).toBe(0);
  return JSON.parse(scan.stdout) as { recovered: { continuation_id: string; status: string }[] };
}

/** Resolves once no process has this pid. */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("host continuation and a live handoff wait", NO_RETRY, () => {
  const dataDir = tempDir("cont-waiter-data");
  const repo = tempDir("cont-waiter-repo");
  const recordDir = tempDir("cont-waiter-launches");
  const waitersDir = path.join(dataDir, "host-continuation", "waiters");
  let seeded: ReturnType<typeof seedClaimedPackage>;
  let codex: Connected, worker: Connected;
  let supervisor: RunningSupervisor;

  beforeAll(async () => {
    seeded = seedClaimedPackage(dataDir, repo, "junior-1", 5);
    [codex, worker] = await Promise.all([
      connect(dataDir, { name: "codex-main", role: "codex" }),
      connect(dataDir, { name: "junior-1", role: "worker_junior" }),
    ]);
    supervisor = await startSupervisor(dataDir, recordDir, "exec {prompt_file}");
  });

  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all([codex, worker].map((c) => c?.close()));
  });

  const runOf = (packageId: number) =>
    `project-${seeded.projectId}/task-${seeded.taskId}/package-${packageId}`;

  function startWait(c: Connected, args: Record<string, unknown>, signal?: AbortSignal) {
    return c.client.callTool(
      {
        name: "handoff.wait_for_event",
        arguments: { timeout_seconds: 60, ...args },
        _meta: { sessionId: "sess-waiter" },
      },
      undefined,
      { timeout: 90_000, ...(signal ? { signal } : {}) },
    ) as Promise<CallToolResult>;
  }

  /** Resolves once a mark for the package is on disk: the wait is in progress. */
  async function markFor(packageId: number): Promise<string> {
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      for (const name of fs.existsSync(waitersDir) ? fs.readdirSync(waitersDir) : []) {
        if (!name.endsWith(".json")) continue;
        const mark = JSON.parse(fs.readFileSync(path.join(waitersDir, name), "utf8")) as {
          work_package_id: number | null;
        };
        if (mark.work_package_id === packageId) return path.join(waitersDir, name);
      }
      await sleep(10);
    }
    throw new Error(`no waiter mark for package ${packageId}`);
  }

  async function report(packageId: number, type = "WORKER_BLOCKED"): Promise<string> {
    const e = await call<{ event_id: string }>(worker, "handoff.report_worker_event", {
      work_package_id: packageId,
      event_type: type,
      message: `a question on package ${packageId}`,
    });
    return e.event_id;
  }

  async function launchOf(eventId: string, withinMs: number): Promise<LaunchRecord | undefined> {
    const until = performance.now() + withinMs;
    for (;;) {
      const found = readLaunchRecords(recordDir).find(
        (l) => l.env.GRACE_CONTINUATION_SOURCE_EVENT_ID === eventId,
      );
      if (found || performance.now() > until) return found;
      await sleep(10);
    }
  }

  const delivery = (packageId: number, eventId: string) =>
    call<Delivery>(codex, "continuation.get", { continuation_id: continuationId(runOf(packageId), eventId) });

  /** The delivery's state once it is `want`, or its last state after 5 s. */
  async function stateOf(packageId: number, eventId: string, want: string): Promise<string> {
    const until = Date.now() + 5_000;
    for (;;) {
      const { state } = await delivery(packageId, eventId);
      if (state === want || Date.now() > until) return state;
      await sleep(20);
    }
  }

  test("a worker's report wakes the controller waiting on the package, and the supervisor launches none", async () => {
    const pkg = seeded.packageIds[0]!;
    const wait = startWait(codex, { work_package_id: pkg, after_event_count: 0 });
    await markFor(pkg);
    const eventId = await report(pkg);
    const answer = resultValue<WaitAnswer>(await wait);
    expect(answer.status).toBe("event");
    expect(answer.events.map((e) => e.event_id)).toEqual([eventId]);
    // Held for the waiting server while it lives, under the keys the answer names; no attempt counted.
    const id = continuationId(runOf(pkg), eventId);
    expect(answer.held.map((h) => [h.continuation_id, h.source_event_id])).toEqual([[id, eventId]]);
    expect(answer.held[0]!.attempt_id).toMatch(/^att_[0-9a-f]{16}$/);
    const handed = await delivery(pkg, eventId);
    expect(handed).toMatchObject({
      state: "ACKNOWLEDGED",
      attempt_id: answer.held[0]!.attempt_id,
      attempt_count: 0,
      controller_session_id: "sess-waiter",
      resolution: { handed_to_waiting_controller: { controller_session_id: "sess-waiter" } },
    });
    // The wait's mark is gone with the wait.
    expect(fs.readdirSync(waitersDir).filter((n) => n.endsWith(".json"))).toEqual([]);
    // Past the whole grace: still no controller for that event.
    expect(await launchOf(eventId, 11_000)).toBeUndefined();
    expect(readLaunchRecords(recordDir)).toEqual([]);
    // The holder resolves it with the keys the answer gave.
    const resolved = await call<Delivery>(codex, "continuation.resolve", {
      ...answer.held[0]!,
      resolution_notes: "answered the worker",
    });
    expect(resolved.state).toBe("RESOLVED");
  });

  test("with no wait in progress the same report launches a controller at once", async () => {
    const pkg = seeded.packageIds[1]!;
    const started = performance.now();
    const eventId = await report(pkg);
    expect(await launchOf(eventId, 5_000)).toBeDefined();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await delivery(pkg, eventId)).state).toBe("CONTROLLER_STARTED");
  });

  test("a wait on another package of the task does not hold the launch back", async () => {
    const [other, pkg] = [seeded.packageIds[0]!, seeded.packageIds[2]!];
    const cancel = new AbortController();
    const wait = startWait(codex, { work_package_id: other, after_event_count: 99 }, cancel.signal);
    await markFor(other);
    const started = performance.now();
    const eventId = await report(pkg);
    expect(await launchOf(eventId, 5_000)).toBeDefined();
    expect(performance.now() - started).toBeLessThan(3_000);
    cancel.abort("done");
    await expect(wait).rejects.toThrow();
  });

  test("an event whose waiting server exits without resolving it goes to a controller", async () => {
    const pkg = seeded.packageIds[4]!;
    const holder = await connect(dataDir, { name: "codex-main", role: "codex" });
    const pid = holder.transport.pid!;
    let eventId: string;
    try {
      const wait = startWait(holder, { work_package_id: pkg, after_event_count: 0 });
      await markFor(pkg);
      eventId = await report(pkg);
      const answer = resultValue<WaitAnswer>(await wait);
      expect(answer.held.map((h) => h.source_event_id)).toEqual([eventId]);
      // The holder records the handover once its answer is out; this reads through another server.
      expect(await stateOf(pkg, eventId, "ACKNOWLEDGED")).toBe("ACKNOWLEDGED");
      // While its server lives, a scan leaves the held event alone.
      expect(supervisorOnce(dataDir, recordDir).recovered).toEqual([]);
      expect(await launchOf(eventId, 500)).toBeUndefined();
    } finally {
      await holder.close();
    }
    await gone(pid);
    const id = continuationId(runOf(pkg), eventId);
    expect(supervisorOnce(dataDir, recordDir).recovered).toEqual([
      { continuation_id: id, status: "released_unresolved_hold" },
    ]);
    expect(await launchOf(eventId, 5_000)).toBeDefined();
    const after = await delivery(pkg, eventId);
    expect(after).toMatchObject({ state: "CONTROLLER_STARTED", attempt_count: 1 });
    expect((after as unknown as { last_error: string }).last_error).toBe(
      `the waiting controller's server (pid ${pid}) ended without resolving`,
    );
  });

  test("the mark of a waiting server that was SIGKILLed does not hold the launch back", async () => {
    const pkg = seeded.packageIds[3]!;
    const doomed = await connect(dataDir, { name: "codex-main", role: "codex" });
    try {
      const wait = startWait(doomed, { work_package_id: pkg, after_event_count: 99 });
      const mark = await markFor(pkg);
      process.kill(doomed.transport.pid!, "SIGKILL");
      await expect(wait).rejects.toThrow();
      expect(fs.existsSync(mark)).toBe(true);
      const started = performance.now();
      const eventId = await report(pkg);
      expect(await launchOf(eventId, 5_000)).toBeDefined();
      // At once, not after the grace.
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(fs.existsSync(mark)).toBe(false);
    } finally {
      await doomed.close().catch(() => undefined);
    }
  });
});

describe("a holder that leaves several events of one run unresolved", NO_RETRY, () => {
  test("starts one controller for the run once its server is gone; the other events join that delivery", async () => {
    // No supervisor runs until the holder is gone, so every delivery is the handover's.
    const dataDir = tempDir("cont-held-many-data");
    const recordDir = tempDir("cont-held-many-launches");
    const seeded = seedClaimedPackage(dataDir, tempDir("cont-held-many-repo"), "junior-1", 1);
    const pkg = seeded.packageIds[0]!;
    const run = `project-${seeded.projectId}/task-${seeded.taskId}/package-${pkg}`;
    const worker = await connect(dataDir, { name: "junior-1", role: "worker_junior" });
    const holder = await connect(dataDir, { name: "codex-main", role: "codex" });
    const pid = holder.transport.pid!;
    const ids: string[] = [];
    try {
      for (const type of ["WORKER_BLOCKED", "WORKER_NEEDS_CONTROLLER", "WORKER_FAILED"]) {
        const e = await call<{ event_id: string }>(worker, "handoff.report_worker_event", {
          work_package_id: pkg,
          event_type: type,
          message: `event ${type}`,
        });
        ids.push(e.event_id);
      }
      const answer = await call<WaitAnswer>(holder, "handoff.wait_for_event", {
        work_package_id: pkg,
        after_event_count: 0,
        timeout_seconds: 5,
      });
      expect(answer.held.map((h) => h.source_event_id)).toEqual(ids);
    } finally {
      await holder.close();
      await worker.close();
    }
    await gone(pid);
    const [first, ...rest] = ids.map((id) => continuationId(run, id));
    expect(supervisorOnce(dataDir, recordDir).recovered).toEqual([
      { continuation_id: first, status: "released_unresolved_hold" },
      ...rest.map((id) => ({ continuation_id: id, status: "coalesced_unresolved_hold" })),
    ]);
    // The fake controller records its launch once it runs; wait for it, then for any other.
    const launched = () => readLaunchRecords(recordDir).map((l) => l.env.GRACE_CONTINUATION_SOURCE_EVENT_ID);
    for (let i = 0; i < 250 && launched().length === 0; i++) await sleep(20);
    await sleep(500);
    expect(launched()).toEqual([ids[0]]);
  });
});
