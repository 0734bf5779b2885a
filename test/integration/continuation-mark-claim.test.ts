import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createPendingMark, pendingMarkPath } from "../../src/continuation/launch-pending.js";
import { releaseGate, startGate, waitForExit, type Gate } from "../../src/continuation/launch-gate.js";
import { recoverLeases } from "../../src/continuation/lease-recovery.js";
import { DEFAULT_LIMITS } from "../../src/continuation/limits.js";
import { hostPaths } from "../../src/continuation/paths.js";
import { openLedger, type Db } from "../../src/ledger/database.js";
import { captureIdentity } from "../../src/process/identity.js";
import { tempDir } from "./continuation-fixture.js";
import { NO_RETRY } from "../helpers/no-retry.js";

/**
 * The pending mark is a claim only one side takes: the launch gate (then it launches) or lease
 * recovery (then it retries). Recovery here runs with a liveness probe that reports every process
 * gone although the launching supervisor and its gate are alive: what a supervisor in another PID
 * namespace on the same data dir, or one behind /proc's hidepid, would see. Whichever side comes
 * first, the controller runs at most once and a retry is never scheduled beside a launch.
 */
const NONCE = "0123456789abcdef";
const gates: Gate[] = [];
afterEach(() => {
  for (const g of gates.splice(0)) g.child.kill();
});

interface Launch {
  db: Db;
  dataDir: string;
  gate: Gate;
  mark: string;
  ran: string;
}

async function recordedLaunch(leaseMs = 300_000): Promise<Launch> {
  const dataDir = tempDir("mark-claim");
  const db = openLedger(dataDir);
  const gate = startGate();
  gates.push(gate);
  const id = await captureIdentity(gate.pid, gate.argv, NONCE);
  const mark = pendingMarkPath(hostPaths(dataDir).launchesDir, NONCE)!;
  expect(createPendingMark(mark)).toBe(true);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  db.prepare(
    `INSERT INTO continuation_deliveries (continuation_id, run_id, source_event_id, state, attempt_count, attempt_id,
       claimed_by, next_attempt_at, lease_expires_at, controller_pid, controller_process_started_at_os,
       controller_launch_nonce, created_at, claimer_pid, claimer_started_at_os)
     VALUES ('cont_aa', 'r', 'e1', 'CONTROLLER_STARTED', 1, 'att_1', 'sup-A', ?, ?, ?, ?, ?, ?, ?, 'live-supervisor-A')`,
  ).run(iso(now), iso(now + leaseMs), id.pid, id.os_start_time, NONCE, iso(now), process.pid);
  return { db, dataDir, gate, mark, ran: path.join(dataDir, "controller-ran") };
}

/** Supervisor B's lease recovery, blind to A's processes. */
function recoverBlind(l: Launch) {
  return recoverLeases(l.db, Date.now(), {
    self: { pid: 1, startedAtOs: "other-namespace" },
    limits: DEFAULT_LIMITS,
    probe: () => Promise.resolve("NOT_FOUND_OR_REUSED"),
    launchesDir: hostPaths(l.dataDir).launchesDir,
  });
}

/** Supervisor A releases its gate with a controller that leaves a file behind. */
async function release(l: Launch) {
  const argv = [process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(l.ran)}, "1")`];
  const report = await releaseGate(
    l.gate,
    { argv, cwd: l.dataDir, env: { PATH: process.env.PATH ?? "" }, pending: l.mark },
    10_000,
  );
  await waitForExit(l.gate, 5_000);
  return report;
}

const rowOf = (l: Launch) =>
  l.db.prepare("SELECT state, attempt_id FROM continuation_deliveries").get() as {
    state: string;
    attempt_id: string;
  };

describe("the pending mark decides between a launch and its early retry", NO_RETRY, () => {
  test("recovery takes the mark first: it retries, and the gate then launches nothing", async () => {
    const l = await recordedLaunch();
    expect(await recoverBlind(l)).toEqual([{ continuation_id: "cont_aa", status: "retry_launch_lost" }]);
    expect(rowOf(l).state).toBe("RETRY_WAIT");
    const report = await release(l);
    expect(report.ok).toBe(false);
    expect(fs.existsSync(l.ran), "the controller of the retried attempt must never run").toBe(false);
    l.db.close();
  });

  test("the gate takes the mark first: it launches, and recovery then leaves the delivery to its lease", async () => {
    const l = await recordedLaunch();
    const report = await release(l);
    expect(report.ok).toBe(true);
    expect(fs.existsSync(l.ran)).toBe(true);
    expect(await recoverBlind(l)).toEqual([]);
    expect(rowOf(l)).toEqual({ state: "CONTROLLER_STARTED", attempt_id: "att_1" });
    l.db.close();
  });

  test("a launch settled at lease expiry keeps no mark", async () => {
    const l = await recordedLaunch(-1);
    l.gate.child.kill("SIGKILL");
    await waitForExit(l.gate, 5_000);
    expect(await recoverBlind(l)).toEqual([{ continuation_id: "cont_aa", status: "retry_unacked" }]);
    expect(fs.existsSync(l.mark)).toBe(false);
    l.db.close();
  });
});
