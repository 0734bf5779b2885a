import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { hostPaths } from "../../src/continuation/paths.js";
import { openLedger } from "../../src/ledger/database.js";
import { findDelivery, type DeliveryRow } from "../../src/ledger/tables/continuation-deliveries.js";
import { checkLiveness } from "../../src/process/identity.js";
import {
  fakeControllerTemplate,
  readLaunchRecords,
  startSupervisor,
  type RunningSupervisor,
} from "../helpers/fake-controller-harness.js";
import { appendTrigger, sleep, tempDir } from "./continuation-fixture.js";
import { NO_RETRY } from "../helpers/no-retry.js";

const RUN = "project-1/task-2/package-3";
const DYING = path.resolve(import.meta.dirname, "..", "helpers", "dying-supervisor.mjs");
const running: RunningSupervisor[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

interface World {
  dataDir: string;
  recordDir: string;
  eventId: string;
}

function world(): World {
  const dataDir = tempDir("lost-data");
  return { dataDir, recordDir: tempDir("lost-launches"), eventId: appendTrigger(dataDir, RUN, 1) };
}

/** Runs the dying supervisor on the world's data dir until it is killed at `moment`; its stdout. */
async function dieAt(w: World, moment: string, extra: { reportTimeoutMs?: number; sleepMs?: number } = {}) {
  const args = [DYING, w.dataDir, moment, ...(extra.reportTimeoutMs ? [String(extra.reportTimeoutMs)] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate("{prompt_file}"),
      FAKE_CONTROLLER_RECORD_DIR: w.recordDir,
      ...(extra.sleepMs ? { FAKE_CONTROLLER_SLEEP_MS: String(extra.sleepMs) } : {}),
    },
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
    child.once("exit", (c, sig) => r([c, sig])),
  );
  expect({ code, signal, out }).toMatchObject({ code: null, signal: "SIGKILL" });
  return out;
}

function delivery(w: World): DeliveryRow {
  const db = openLedger(w.dataDir);
  try {
    const row = db.prepare("SELECT * FROM continuation_deliveries").all() as DeliveryRow[];
    expect(row).toHaveLength(1);
    return findDelivery(db, row[0]!.continuation_id)!;
  } finally {
    db.close();
  }
}

/** Waits until the delivery's recorded process (the launch gate) is gone. */
async function gateGone(row: DeliveryRow, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const identity = { pid: row.controller_pid!, os_start_time: row.controller_process_started_at_os! };
  while ((await checkLiveness(identity)) !== "NOT_FOUND_OR_REUSED") {
    if (Date.now() > until) throw new Error(`gate ${row.controller_pid} still alive`);
    await sleep(20);
  }
}

/** The pending marks left in the supervisor's launches directory. */
function pendingMarks(w: World): string[] {
  const dir = hostPaths(w.dataDir).launchesDir;
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

async function launchesAfter(w: World, n: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (readLaunchRecords(w.recordDir).length < n && Date.now() < until) await sleep(50);
  return readLaunchRecords(w.recordDir);
}

describe("a launch lost with its supervisor", NO_RETRY, () => {
  test("supervisor killed between the durable launch and the gate's release → a second supervisor launches the run's controller within seconds, once", async () => {
    const w = world();
    await dieAt(w, "after-commit");
    const lost = delivery(w);
    expect(lost).toMatchObject({
      state: "CONTROLLER_STARTED",
      attempt_count: 1,
      controller_confirmed_at: null,
    });
    // The ACK lease (300 s) is far away: only the dead supervisor and dead gate can justify a retry.
    expect(Date.parse(lost.lease_expires_at!) - Date.now()).toBeGreaterThan(290_000);
    await gateGone(lost, 10_000); // it read end-of-file and exited without launching
    expect(readLaunchRecords(w.recordDir)).toEqual([]);
    expect(pendingMarks(w)).toEqual([`${lost.controller_launch_nonce}.pending`]);

    const startedAt = Date.now();
    running.push(await startSupervisor(w.dataDir, w.recordDir, "{prompt_file}"));
    const launches = await launchesAfter(w, 1, 20_000);
    expect(launches, "no controller launched within 20 s").toHaveLength(1);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    await sleep(2_000); // a duplicate would show up here
    const all = readLaunchRecords(w.recordDir);
    expect(all).toHaveLength(1);
    expect(all[0]!.env).toMatchObject({
      GRACE_CONTINUATION_SOURCE_EVENT_ID: w.eventId,
      GRACE_CONTINUATION_ATTEMPT: "2",
    });
    const now = delivery(w);
    expect(now).toMatchObject({ state: "CONTROLLER_STARTED", attempt_count: 2 });
    expect(now.controller_confirmed_at).not.toBeNull();
    expect(now.last_error).toMatch(/launch lost with its supervisor/);
    expect(all[0]!.env.GRACE_CONTINUATION_ATTEMPT_ID).toBe(now.attempt_id);
    expect(pendingMarks(w)).toEqual([]);
  }, 60_000);

  test("a confirmed launch whose supervisor died is not retried before the ACK lease, though its controller has exited", async () => {
    const w = world();
    await dieAt(w, "after-report");
    const started = delivery(w);
    expect(started.state).toBe("CONTROLLER_STARTED");
    expect(started.controller_confirmed_at).not.toBeNull();
    await gateGone(started, 10_000);
    expect(await launchesAfter(w, 1, 10_000)).toHaveLength(1);

    running.push(await startSupervisor(w.dataDir, w.recordDir, "{prompt_file}"));
    // Past the 5 s back-off an early retry would have used.
    await sleep(8_000);
    expect(readLaunchRecords(w.recordDir)).toHaveLength(1);
    expect(delivery(w)).toMatchObject({ state: "CONTROLLER_STARTED", attempt_count: 1 });
  }, 60_000);

  test("an unconfirmed launch whose gate took the spec is not retried before the ACK lease, though its controller has exited", async () => {
    const w = world();
    // The gate cannot report in time (1 ms): the launch stays unconfirmed; the controller exits at once.
    const out = await dieAt(w, "after-report", { reportTimeoutMs: 1 });
    expect(out).toContain("launch_unconfirmed");
    const started = delivery(w);
    expect(started).toMatchObject({ state: "CONTROLLER_STARTED", controller_confirmed_at: null });
    expect(await launchesAfter(w, 1, 10_000)).toHaveLength(1);
    await gateGone(started, 10_000);
    expect(pendingMarks(w)).toEqual([]); // the gate took its mark before launching

    running.push(await startSupervisor(w.dataDir, w.recordDir, "{prompt_file}"));
    await sleep(8_000); // past the 5 s back-off an early retry would have used
    expect(readLaunchRecords(w.recordDir)).toHaveLength(1);
    expect(delivery(w)).toMatchObject({ state: "CONTROLLER_STARTED", attempt_count: 1 });
  }, 60_000);
});
