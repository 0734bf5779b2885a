/**
 * Host continuation benchmarks:
 *  1. worker event → controller process started. Event-driven: the worker's report goes through
 *     the product path (reportWorkerEvent: commit, projection to events.ndjson with fsync, and the
 *     publisher's own wake of the `runs` channel); the bench sends no signal of its own. Against
 *     it, in the same run, a supervisor that only polls every 5 s, fed by lines appended straight
 *     to events.ndjson (a writer that wakes nobody). "Spawned" = the gate confirmed the
 *     controller's spawn (host event time); "running" = the fake controller's first statement
 *     (includes its own Node start-up).
 *  2. one scan with nothing new across 10,000 runs (cursor says every file is unchanged).
 *
 *   node dist/bench/continuation.js [--trials N] [--poll-trials N] [--runs N] [--scans N]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { quote } from "shell-quote";
import { continuationSettingsFromEnv } from "../src/config/continuation.js";
import { identityFor } from "../src/config/identity.js";
import { Supervisor } from "../src/continuation/supervisor.js";
import { runId, type RunIds } from "../src/handoff/run-paths.js";
import { openLedger } from "../src/ledger/database.js";
import { createServiceContext } from "../src/service/context.js";
import { reportWorkerEvent } from "../src/service/handoff.js";
import { seedClaimedPackage } from "../test/helpers/seed-ledger.js";
import { fmt, fmtTail, median } from "./stats.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TRIALS = arg("--trials", 40);
const POLL_TRIALS = arg("--poll-trials", 10);
const RUNS = arg("--runs", 10_000);
const SCANS = arg("--scans", 30);

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "src", "cli", "host-continuation.js");
const FAKE = path.join(ROOT, "scripts", "demo", "fake-controller.mjs");
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `bench-cont-${p}-`));

function startSupervisor(dataDir: string, recordDir: string, pollSeconds: number): ChildProcess {
  return spawn(
    process.execPath,
    [CLI, "--data-dir", dataDir, "--poll-interval-seconds", String(pollSeconds)],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        PATH: process.env.PATH ?? "",
        GRACE_LOG_LEVEL: "warn",
        // Quoted the way a user must quote paths in the template (POSIX shell words).
        GRACE_CODEX_START_COMMAND: `${quote([process.execPath, FAKE])} {prompt_file}`,
        FAKE_CONTROLLER_RECORD_DIR: recordDir,
      },
    },
  );
}

/** Appends one trigger line durably (write + fsync) and returns the wall-clock time it became durable. */
function appendDurably(dataDir: string, runId: string): number {
  const dir = path.join(dataDir, "runs", ...runId.split("/"));
  fs.mkdirSync(dir, { recursive: true });
  const [p, t, w] = runId.split("/").map((s) => Number(s.replace(/^\D+/, "")));
  const line = JSON.stringify({
    created_at: new Date().toISOString(),
    event_id: `evt_${randomBytes(16).toString("hex")}`,
    payload: { message: "bench" },
    project_id: p,
    seq: 1,
    task_id: t,
    type: "WORKER_READY_FOR_REVIEW",
    work_package_id: w,
    worker: "junior-1",
  });
  const fd = fs.openSync(path.join(dir, "events.ndjson"), "a");
  fs.writeSync(fd, `${line}\n`);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return Date.now();
}

async function launchOf(
  dataDir: string,
  recordDir: string,
  runId: string,
  known: Set<string>,
): Promise<{ spawned: number; running: number }> {
  const hostEvents = path.join(dataDir, "runs", ...runId.split("/"), "host-events.ndjson");
  for (;;) {
    const fresh = fs.readdirSync(recordDir).filter((f) => f.endsWith(".json") && !known.has(f));
    if (fresh.length > 0 && fs.existsSync(hostEvents)) {
      const started = fs
        .readFileSync(hostEvents, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; created_at: string })
        .find((e) => e.type === "HOST_CONTROLLER_LOGICAL_CONTINUATION_STARTED");
      if (started) {
        fresh.forEach((f) => known.add(f));
        const record = JSON.parse(fs.readFileSync(path.join(recordDir, fresh[0]!), "utf8")) as {
          startedAt: string;
        };
        return { spawned: Date.parse(started.created_at), running: Date.parse(record.startedAt) };
      }
    }
    await sleep(2);
  }
}

/** Reports a worker event per package the way the MCP tool does; returns the call's start time. */
function productReporter(dataDir: string, trials: number) {
  const seeded = seedClaimedPackage(dataDir, tmp("repo"), "junior-1", trials);
  const db = openLedger(dataDir);
  const ctx = createServiceContext(db, identityFor("junior-1", "worker_junior"), dataDir);
  return {
    runOf: (i: number): RunIds => ({ ...seeded, packageId: seeded.packageIds[i]! }),
    report(ids: RunIds): number {
      const started = Date.now();
      const message = "bench";
      reportWorkerEvent(
        ctx,
        { work_package_id: ids.packageId, event_type: "WORKER_NEEDS_CONTROLLER", message },
        0,
      );
      return started;
    },
    close() {
      ctx.signal.close();
      db.close();
    },
  };
}

/** `product`: reports through the product path (it wakes the supervisor); otherwise appends silently. */
async function latency(label: string, pollSeconds: number, trials: number, product: boolean) {
  const dataDir = tmp(label);
  const recordDir = tmp(`${label}-launches`);
  openLedger(dataDir).close();
  const reporter = product ? productReporter(dataDir, trials) : null;
  const child = startSupervisor(dataDir, recordDir, pollSeconds);
  await sleep(1500); // started, warm gate ready, asleep
  const spawned: number[] = [];
  const running: number[] = [];
  const known = new Set<string>();
  for (let i = 0; i < trials; i += 1) {
    const ids = reporter?.runOf(i) ?? { projectId: 1, taskId: 1, packageId: i + 1 };
    const from = reporter ? reporter.report(ids) : appendDurably(dataDir, runId(ids));
    const t = await launchOf(dataDir, recordDir, runId(ids), known);
    spawned.push(t.spawned - from);
    running.push(t.running - from);
    // Polling: a random phase against the 5 s period, so the figure is the real average wait.
    await sleep(product ? 100 : Math.random() * pollSeconds * 1000);
  }
  reporter?.close();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  console.log(
    `${label.padEnd(22)} n=${String(trials).padStart(3)}  spawned: median ${fmt(median(spawned))}, ${fmtTail(spawned, 99)}` +
      `   running: median ${fmt(median(running))}, ${fmtTail(running, 99)}`,
  );
}

async function noNewsScan() {
  const dataDir = tmp("scan");
  openLedger(dataDir).close();
  const made = performance.now();
  for (let i = 0; i < RUNS; i += 1) {
    const dir = path.join(
      dataDir,
      "runs",
      `project-${1 + (i % 10)}`,
      `task-${1 + (i % 100)}`,
      `package-${i + 1}`,
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "events.ndjson"),
      `${JSON.stringify({ event_id: `evt_${i}`, seq: 1, type: "WORKER_STARTED" })}\n`,
    );
  }
  console.log(`created ${RUNS} runs in ${fmt(performance.now() - made)}`);
  const supervisor = new Supervisor({
    settings: continuationSettingsFromEnv({ GRACE_CODEX_START_COMMAND: "true" }, dataDir),
    pollIntervalSeconds: 5,
  });
  const t0 = performance.now();
  const first = await supervisor.scan();
  console.log(
    `first scan (reads all ${RUNS} files, writes the cursor): ${fmt(performance.now() - t0)}, ignored ${first.ignored_count}`,
  );
  const times: number[] = [];
  for (let i = 0; i < SCANS; i += 1) {
    const t = performance.now();
    const s = await supervisor.scan();
    times.push(performance.now() - t);
    if (s.enqueued_count !== 0 || s.ignored_count !== 0) throw new Error("a no-news scan read something");
  }
  supervisor.close();
  console.log(
    `no-news scan over ${RUNS} runs    n=${SCANS}  median ${fmt(median(times))}, ${fmtTail(times, 99)}`,
  );
}

console.log(
  `host continuation — ${os.cpus().length} CPUs, ${os.type()} ${os.release()}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`,
);
console.log("event-driven: worker report call starts → …; 5 s poll: line durable → …");
await latency("event-driven wake", 5, TRIALS, true);
await latency("5 s poll only", 5, POLL_TRIALS, false);
await noNewsScan();
