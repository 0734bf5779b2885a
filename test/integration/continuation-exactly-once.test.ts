import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { openLedger } from "../../src/ledger/database.js";
import { openNamedSignal } from "../../src/signal/named-signal.js";
import { fakeControllerTemplate, readLaunchRecords } from "../helpers/fake-controller-harness.js";
import { appendTrigger, sleep, tempDir } from "./continuation-fixture.js";

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
  child.stderr!.on("data", (d: Buffer) => process.stderr.write(`[supervisor ${child.pid}] ${d.toString()}`));
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

function assertExactlyOnce(dataDir: string, ids: string[], launches: ReturnType<typeof readLaunchRecords>) {
  const sources = launches.map((l) => l.env.GRACE_CONTINUATION_SOURCE_EVENT_ID);
  const duplicated = sources.filter((s, i) => sources.indexOf(s) !== i);
  expect(duplicated).toEqual([]);
  expect(new Set(sources)).toEqual(new Set(ids));
  expect(launches).toHaveLength(100);
  const db = openLedger(dataDir);
  try {
    const states = db
      .prepare("SELECT state, COUNT(*) AS n FROM continuation_deliveries GROUP BY state")
      .all();
    expect(states).toEqual([{ state: "CONTROLLER_STARTED", n: 100 }]);
  } finally {
    db.close();
  }
}

describe("exactly once across supervisor processes", () => {
  test("two supervisors, 100 trigger events across 20 runs appended while they run → exactly 100 launches", async () => {
    const dataDir = tempDir("once-data");
    const recordDir = tempDir("once-launches");
    supervisor(dataDir, recordDir);
    supervisor(dataDir, recordDir);
    await sleep(500);
    const ids = await produce(dataDir);
    const launches = await waitForLaunches(recordDir, 100, 60_000);
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
    const launches = await waitForLaunches(recordDir, 100, 90_000);
    assertExactlyOnce(dataDir, ids, launches);
  }, 150_000);
});
