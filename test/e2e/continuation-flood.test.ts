import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, describe, expect, test } from "vitest";
import { eventsPath } from "../../src/handoff/run-paths.js";
import { openLedger } from "../../src/ledger/database.js";
import {
  readLaunchRecords,
  startSupervisor,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { call, callError, connect, tempDir, type Connected } from "../helpers/mcp-client.js";
import { seedClaimedPackage } from "../helpers/seed-ledger.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deliveryCount(dataDir: string): number {
  const db = openLedger(dataDir);
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM continuation_deliveries").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("worker events reach the host supervisor once, whatever happens to the file or the rate", () => {
  const open: { close(): Promise<void> }[] = [];
  const supervisors: RunningSupervisor[] = [];
  afterAll(async () => {
    await Promise.all(supervisors.map((s) => s.stop()));
    await Promise.all(open.map((c) => c.close()));
  });
  const worker = async (dataDir: string, env: Record<string, string> = {}) => {
    const c = await connect(dataDir, { name: "junior-1", role: "worker_junior" }, env);
    open.push(c);
    return c;
  };

  test("an event whose projection failed after the commit launches the running supervisor's controller within a second of the fault clearing", async () => {
    const dataDir = tempDir("flood-proj-data");
    const recordDir = tempDir("flood-proj-launches");
    const seeded = seedClaimedPackage(dataDir, tempDir("flood-proj-repo"));
    const w = await worker(dataDir);
    supervisors.push(await startSupervisor(dataDir, recordDir, "{prompt_file}"));
    const file = eventsPath(dataDir, seeded);
    fs.mkdirSync(file, { recursive: true }); // a directory where the file belongs: every append fails
    const event = await call<{ event_id: string }>(w, "handoff.report_worker_event", {
      work_package_id: seeded.packageId,
      event_type: "WORKER_NEEDS_CONTROLLER",
      message: "committed while the events file cannot be written",
    });
    await sleep(1_000);
    expect(readLaunchRecords(recordDir)).toEqual([]);
    fs.rmdirSync(file);
    const cleared = performance.now();
    while (readLaunchRecords(recordDir).length === 0 && performance.now() - cleared < 10_000) await sleep(10);
    const elapsed = performance.now() - cleared;
    console.log(`fault cleared → controller launch recorded: ${elapsed.toFixed(0)} ms`);
    const launches = readLaunchRecords(recordDir);
    expect(launches.map((l) => l.env.GRACE_CONTINUATION_SOURCE_EVENT_ID)).toEqual([event.event_id]);
    expect(elapsed).toBeLessThan(1_000);
  });

  test("a flood of worker events from three server processes starts one controller for the run", async () => {
    const dataDir = tempDir("flood-data");
    const recordDir = tempDir("flood-launches");
    const seeded = seedClaimedPackage(dataDir, tempDir("flood-repo"));
    const workers = await Promise.all(
      [1, 2, 3].map(() => worker(dataDir, { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "0" })),
    );
    supervisors.push(await startSupervisor(dataDir, recordDir, "{prompt_file}"));
    const PER_WORKER = 40;
    await Promise.all(
      workers.flatMap((w, k) =>
        Array.from({ length: PER_WORKER }, (_, i) =>
          call(w, "handoff.report_worker_event", {
            work_package_id: seeded.packageId,
            event_type: "WORKER_FAILED",
            message: `worker ${k} failure ${i}`,
          }),
        ),
      ),
    );
    const total = workers.length * PER_WORKER;
    const until = Date.now() + 30_000;
    while (deliveryCount(dataDir) < total && Date.now() < until) await sleep(50);
    await sleep(2_000); // any second launch would land by now
    expect(deliveryCount(dataDir)).toBe(total);
    const launches = readLaunchRecords(recordDir);
    console.log(`${total} WORKER_FAILED events → ${launches.length} controller launch(es)`);
    expect(launches).toHaveLength(1);
  });

  test("report_worker_event is refused past the per-package limit, counted across server processes", async () => {
    const dataDir = tempDir("flood-rate-data");
    const seeded = seedClaimedPackage(dataDir, tempDir("flood-rate-repo"), "junior-1", 2);
    const limited = await Promise.all(
      [1, 2].map(() => worker(dataDir, { GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "3" })),
    );
    const report = (w: Connected, packageId: number, i: number) =>
      w.client.callTool({
        name: "handoff.report_worker_event",
        arguments: { work_package_id: packageId, event_type: "WORKER_BLOCKED", message: `blocked ${i}` },
      });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => report(limited[i % 2]!, seeded.packageIds[0]!, i)),
    );
    expect(results.filter((r) => !r.isError)).toHaveLength(3);
    const refusal = await callError(limited[0]!, "handoff.report_worker_event", {
      work_package_id: seeded.packageIds[0],
      event_type: "WORKER_BLOCKED",
      message: "once more",
    });
    expect(refusal).toMatch(
      new RegExp(
        `Work package ${seeded.packageIds[0]} has reached its limit of 3 worker events a minute \\(GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE\\); retry in \\d+ s`,
      ),
    );
    // Without the variable a package takes 10 a minute.
    const plain = await worker(dataDir);
    for (let i = 0; i < 10; i += 1)
      await call(plain, "handoff.report_worker_event", {
        work_package_id: seeded.packageIds[1],
        event_type: "WORKER_BLOCKED",
        message: `blocked ${i}`,
      });
    expect(
      await callError(plain, "handoff.report_worker_event", {
        work_package_id: seeded.packageIds[1],
        event_type: "WORKER_BLOCKED",
        message: "the eleventh",
      }),
    ).toMatch(/limit of 10 worker events a minute/);
  });
});
