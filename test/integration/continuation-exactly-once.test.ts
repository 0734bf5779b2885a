import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { openLedger } from "../../src/ledger/database.js";
import { openNamedSignal } from "../../src/signal/named-signal.js";
import { fakeControllerTemplate, readLaunchRecords } from "../helpers/fake-controller-harness.js";
import { appendTrigger, sleep, tempDir } from "./continuation-fixture.js";
import { NO_RETRY } from "../helpers/no-retry.js";

const CLI = path.resolve(import.meta.dirname, "..", "..", "dist", "src", "cli", "host-continuation.js");
const RUNS = Array.from({ length: 20 }, (_, i) => `project-1/task-${1 + (i % 4)}/package-${100 + i}`);
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  }
});

function supervisor(dataDir: string, recordDir: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, "--data-dir", dataDir, "--poll-interval-seconds", "5"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      GRACE_LOG_LEVEL: "warn",
      GRACE_CODEX_START_COMMAND: fakeControllerTemplate("{prompt_file}"),
      FAKE_CONTROLLER_RECORD_DIR: recordDir,
    },
  });
  child.stderr.on("data", (d: Buffer) => process.stderr.write(`[supervisor ${child.pid}] ${d.toString()}`));
  children.push(child);
  return child;
}

/** 100 trigger events, 5 per run, appended in a shuffled order with small pauses, each followed by a wake. */
async function produce(dataDir: string, onEach?: (n: number) => Promise<void>): Promise<string[]> {
  const signal = openNamedSignal(dataDir);
  const plan = RUNS.flatMap((run) => [1, 2, 3, 4, 5].map((seq) => ({ run, seq })));
  // Keep each run's events in order (seq), interleave runs randomly.
  const queues = new Map(RUNS.map((r) => [r, plan.filter((p) => p.run === r)]));
  const ids: string[] = [];
  try {
    for (let n = 0; n < plan.length; n += 1) {
      const open = [...queues.entries()].filter(([, q]) => q.length > 0);
      const [run, queue] = open[Math.floor(Math.random() * open.length)]!;
      const { seq } = queue.shift()!;
      ids.push(appendTrigger(dataDir, run, seq, seq % 2 ? "WORKER_READY_FOR_REVIEW" : "WORKER_BLOCKED"));
      signal.notify("runs");
      await onEach?.(n);
      if (Math.random() < 0.3) await sleep(Math.floor(Math.random() * 25));
    }
  } finally {
    signal.close();
  }
  return ids;
}

async function waitForLaunches(recordDir: string, n: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (readLaunchRecords(recordDir).length < n && Date.now() < until) await sleep(100);
  // Any duplicate would show up shortly after the last expected launch: keep watching a while.
  await sleep(3_000);
  return readLaunchRecords(recordDir);
}

interface DeliveryRow {
  continuation_id: string;
  run_id: string;
  source_event_id: string;
  state: string;
  attempt_count: number;
  next_attempt_at: string;
  last_error: string | null;
  resolution_json: string | null;
}

/** Where each run without a started controller stands, for the failure message. */
function stuckRuns(rows: DeliveryRow[]): string {
  const started = new Set(rows.filter((r) => r.state === "CONTROLLER_STARTED").map((r) => r.run_id));
  return rows
    .filter((r) => !started.has(r.run_id) && r.state !== "RESOLVED")
    .map(
      (r) => `${r.run_id} ${r.state} attempts ${r.attempt_count} next ${r.next_attempt_at} (${r.last_error})`,
    )
    .join("; ");
}

/**
 * Every event has exactly one delivery. The controllers never acknowledge, so each run launches
 * once, for its first event; every later event of the run joins that open delivery instead of
 * launching a controller of its own.
 */
function assertExactlyOnce(dataDir: string, ids: string[], launches: ReturnType<typeof readLaunchRecords>) {
  const sources = launches.map((l) => l.env.GRACE_CONTINUATION_SOURCE_EVENT_ID);
  const duplicated = sources.filter((s, i) => sources.indexOf(s) !== i);
  expect(duplicated).toEqual([]);
  const db = openLedger(dataDir);
  try {
    const rows = db.prepare("SELECT * FROM continuation_deliveries").all() as DeliveryRow[];
    expect(rows.map((r) => r.source_event_id).sort()).toEqual([...ids].sort());
    const started = rows.filter((r) => r.state === "CONTROLLER_STARTED");
    expect(
      new Set(started.map((r) => r.run_id)),
      `at ${new Date().toISOString()}: ${stuckRuns(rows)}`,
    ).toEqual(new Set(RUNS));
    expect(started).toHaveLength(RUNS.length);
    expect(new Set(sources)).toEqual(new Set(started.map((r) => r.source_event_id)));
    const byId = new Map(started.map((r) => [r.continuation_id, r]));
    for (const row of rows.filter((r) => r.state !== "CONTROLLER_STARTED")) {
      expect(row.state).toBe("RESOLVED");
      const into = (JSON.parse(row.resolution_json!) as { coalesced_into: string }).coalesced_into;
      expect(byId.get(into)?.run_id).toBe(row.run_id);
    }
  } finally {
    db.close();
  }
}

describe("exactly once across supervisor processes", NO_RETRY, () => {
  test("two supervisors, 100 trigger events across 20 runs appended while they run → each event delivered once, one controller per run", async () => {
    const dataDir = tempDir("once-data");
    const recordDir = tempDir("once-launches");
    supervisor(dataDir, recordDir);
    supervisor(dataDir, recordDir);
    await sleep(500);
    const ids = await produce(dataDir);
    const launches = await waitForLaunches(recordDir, RUNS.length, 60_000);
    assertExactlyOnce(dataDir, ids, launches);
  }, 120_000);

  test("the same with one supervisor killed by SIGKILL at a random moment and restarted", async () => {
    const dataDir = tempDir("kill-data");
    const recordDir = tempDir("kill-launches");
    const victim = supervisor(dataDir, recordDir);
    supervisor(dataDir, recordDir);
    await sleep(500);
    const killAt = 10 + Math.floor(Math.random() * 80);
    const ids = await produce(dataDir, async (n) => {
      if (n !== killAt) return;
      await sleep(Math.floor(Math.random() * 40));
      victim.kill("SIGKILL");
      await new Promise((r) => victim.once("exit", r));
      console.log(`killed supervisor ${victim.pid} after event ${n + 1}; restarting it`);
      supervisor(dataDir, recordDir);
    });
    const launches = await waitForLaunches(recordDir, RUNS.length, 90_000);
    assertExactlyOnce(dataDir, ids, launches);
  }, 150_000);
});
