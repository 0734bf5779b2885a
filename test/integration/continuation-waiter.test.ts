/**
 * The order between a live handoff wait and the supervisor: the wait's mark defers the launch
 * (bounded, no attempt counted), and the wait's handover, recorded before its mark goes, leaves the
 * supervisor nothing to launch, even when the waiting server is slow to answer.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { identityFor } from "../../src/config/identity.js";
import { continuationId } from "../../src/continuation/ids.js";
import { hostPaths } from "../../src/continuation/paths.js";
import { ownStartTime, removeWaiterMark, writeWaiterMark } from "../../src/continuation/waiter-mark.js";
import { handOverTriggers, heldPage } from "../../src/service/handover.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { findDelivery } from "../../src/ledger/tables/continuation-deliveries.js";
import { createServiceContext, type ServiceContext } from "../../src/service/context.js";
import { reportWorkerEvent, waitForEvent } from "../../src/service/handoff.js";
import { snapshot } from "../../src/status/snapshot.js";
import { timelines } from "../../src/status/timeline.js";
import type { HandoffEvent } from "../../src/handoff/event-types.js";
import { readLaunchRecords, startSupervisor } from "../helpers/fake-controller-harness.js";
import { tempDir } from "../helpers/mcp-client.js";
import { NO_RETRY } from "../helpers/no-retry.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";
import {
  appendTrigger,
  inProcessSupervisor,
  runDirOf,
  sleep,
  tempDir as fixtureDir,
} from "./continuation-fixture.js";

const LIMITS = { toolCallLimitSeconds: 60, transportGraceSeconds: 10 };

/** A controller and a worker on their own connections to one ledger, as two servers are. */
function world(dataDir: string) {
  const seeded = seedClaimedPackage(dataDir, tempDir("cont-waiter-repo"));
  const open: ServiceContext[] = [];
  const as = (name: string, role: "codex" | "worker_junior"): ServiceContext => {
    const db: Db = openLedger(dataDir);
    const ctx = createServiceContext(db, identityFor(name, role), dataDir);
    open.push(ctx);
    return ctx;
  };
  const run = `project-${seeded.projectId}/task-${seeded.taskId}/package-${seeded.packageId}`;
  const close = () =>
    open.forEach((c) => {
      c.signal.close();
      c.db.close();
    });
  return { seeded, run, codex: as("codex-main", "codex"), worker: as("junior-1", "worker_junior"), close };
}

/** Lets the work a wait does once its answer is on its way (the handover) run. */
const afterAnswer = () => new Promise((r) => setImmediate(r));

/** Blocks this process's event loop: a server too busy to answer for a while. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("a live handoff wait and the host supervisor", NO_RETRY, () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test("a waiting server slow to answer still takes the event: the supervisor launches nothing", async () => {
    const dataDir = tempDir("cont-waiter-race");
    const recordDir = tempDir("cont-waiter-race-launches");
    const w = world(dataDir);
    cleanups.push(w.close);
    const supervisor = await startSupervisor(dataDir, recordDir, "exec {prompt_file}");
    cleanups.push(() => supervisor.stop());
    const wait = waitForEvent(
      w.codex,
      { work_package_id: w.seeded.packageId, after_event_count: 0, timeout_seconds: 30 },
      LIMITS,
      {
        signal: new AbortController().signal,
        progress: async () => {},
        sessionId: "sess-slow",
        // Woken, then busy for 1.5 s before the answer: the supervisor, woken by the same
        // event, would have launched long before without the grace.
        afterWait: () => stall(1_500),
      },
    );
    await sleep(100);
    const reported = reportWorkerEvent(
      w.worker,
      { work_package_id: w.seeded.packageId, event_type: "WORKER_BLOCKED", message: "which name?" },
      0,
    );
    const answer = await wait;
    expect(answer.events.map((e) => e.event_id)).toEqual([reported.event_id]);
    await afterAnswer();
    const id = continuationId(w.run, reported.event_id);
    expect(answer.held.map((h) => [h.continuation_id, h.source_event_id])).toEqual([[id, reported.event_id]]);
    expect(answer.held[0]!.attempt_id).toMatch(/^att_[0-9a-f]{16}$/);
    const row = findDelivery(w.codex.db, id)!;
    // Held by this (live) process under the attempt the answer named.
    expect(row).toMatchObject({
      state: "ACKNOWLEDGED",
      attempt_id: answer.held[0]!.attempt_id,
      controller_pid: process.pid,
      controller_session_id: "sess-slow",
      attempt_count: 0,
    });
    await sleep(1_500);
    expect(readLaunchRecords(recordDir)).toEqual([]);
    expect(supervisor.stderr()).toContain("delivery deferred_to_waiter");
    // The status page's timeline of the package says so.
    const labels = timelines(w.codex.db, snapshot(w.codex.db))
      .get(w.seeded.packageId)!
      .map((e) => e.label);
    expect(labels).toContain("continuation ACKNOWLEDGED, attempts 0, handed to a waiting controller");
  });

  test("a wait cancelled between its wake and its answer hands nothing over", async () => {
    const dataDir = tempDir("cont-waiter-cancel");
    const w = world(dataDir);
    cleanups.push(w.close);
    const cancel = new AbortController();
    const wait = waitForEvent(
      w.codex,
      { work_package_id: w.seeded.packageId, after_event_count: 0, timeout_seconds: 30 },
      LIMITS,
      {
        signal: cancel.signal,
        progress: async () => {},
        sessionId: "sess-cancelled",
        afterWait: () => cancel.abort("the client cancelled"),
      },
    );
    await sleep(100);
    const reported = reportWorkerEvent(
      w.worker,
      { work_package_id: w.seeded.packageId, event_type: "WORKER_BLOCKED", message: "which name?" },
      0,
    );
    expect((await wait).events.map((e) => e.event_id)).toEqual([reported.event_id]);
    await afterAnswer();
    expect(findDelivery(w.codex.db, continuationId(w.run, reported.event_id))).toBeUndefined();
    expect(fs.readdirSync(hostPaths(dataDir).waitersDir)).toEqual([]);
  });

  test("the grace is bounded: a live wait that never takes the event delays the launch by 10 s at most, no attempt counted", async () => {
    const sup = inProcessSupervisor();
    cleanups.push(() => sup.supervisor.close());
    const run = "project-1/task-2/package-3";
    const mark = await writeWaiterMark(
      hostPaths(sup.dataDir).waitersDir,
      { project_id: 1, task_id: 2, work_package_id: 3 },
      new Date(sup.clock.now).toISOString(),
    );
    cleanups.push(() => removeWaiterMark(mark));
    const eventId = appendTrigger(sup.dataDir, run, 1);
    const id = continuationId(run, eventId);
    for (const step of [0, 1_000, 4_000, 4_999]) {
      sup.clock.advance(step);
      const summary = await sup.supervisor.scan();
      expect(summary.delivery_results.map((r) => r.status)).toEqual(["deferred_to_waiter"]);
      expect(summary.delivery_results[0]!.reason).toMatch(
        /waiting on work package 3 .*launching at 2030-01-01T00:00:10.000Z/,
      );
    }
    const db = openLedger(sup.dataDir);
    cleanups.push(() => void db.close());
    expect(findDelivery(db, id)).toMatchObject({ state: "PENDING", attempt_count: 0 });
    expect(sup.launches()).toEqual([]);
    sup.clock.advance(1_001);
    const summary = await sup.supervisor.scan();
    expect(summary.delivery_results.map((r) => r.status)).toEqual(["started"]);
    expect(await sup.waitForLaunches(1)).toHaveLength(1);
    expect(findDelivery(db, id)).toMatchObject({ state: "CONTROLLER_STARTED", attempt_count: 1 });
  });

  test("a wait on another task, or a dead server's mark, defers nothing", async () => {
    const sup = inProcessSupervisor();
    cleanups.push(() => sup.supervisor.close());
    const dir = hostPaths(sup.dataDir).waitersDir;
    const other = await writeWaiterMark(dir, { project_id: 1, task_id: 9, work_package_id: null }, "x");
    cleanups.push(() => removeWaiterMark(other));
    fs.writeFileSync(
      path.join(dir, "dead.json"),
      JSON.stringify({
        pid: 2 ** 22 + 7,
        os_start_time: "1@x",
        project_id: 1,
        task_id: 2,
        work_package_id: null,
      }),
    );
    appendTrigger(sup.dataDir, "project-1/task-2/package-3", 1);
    const summary = await sup.supervisor.scan();
    expect(summary.delivery_results.map((r) => r.status)).toEqual(["started"]);
    expect(fs.existsSync(path.join(dir, "dead.json"))).toBe(false);
    expect(fs.existsSync(other!)).toBe(true);
  });

  test("a handover that lands while the supervisor holds its claim refuses that launch", async () => {
    const dataDir = fixtureDir("cont-waiter-claim");
    const run = "project-1/task-2/package-3";
    const eventId = appendTrigger(dataDir, run, 1);
    const event = JSON.parse(
      fs.readFileSync(path.join(runDirOf(dataDir, run), "events.ndjson"), "utf8"),
    ) as HandoffEvent;
    expect(event.event_id).toBe(eventId);
    const db = openLedger(dataDir);
    const codex = createServiceContext(db, identityFor("codex-main", "codex"), dataDir);
    cleanups.push(() => {
      codex.signal.close();
      db.close();
    });
    let handed: string[] = [];
    const holder = { pid: process.pid, os_start_time: await ownStartTime(), sessionId: "sess-late" };
    const sup = inProcessSupervisor({
      dataDir,
      beforeCommit: () => {
        handed = handOverTriggers(codex, [event], heldPage([event], 4096).held, holder);
      },
    });
    cleanups.push(() => sup.supervisor.close());
    const summary = await sup.supervisor.scan();
    // The handover gave the delivery the holder's own attempt: the claim's launch is superseded.
    expect(summary.delivery_results.map((r) => r.status)).toEqual(["superseded"]);
    expect(handed).toEqual([continuationId(run, eventId)]);
    await sleep(500);
    expect(sup.launches()).toEqual([]);
  });
});
