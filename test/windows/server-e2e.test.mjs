// The whole server under Wine: every process here is a Windows node.exe. The MCP clients are the
// SDK's StdioClientTransport inside Wine, so each server talks over real Windows pipes; the ledger
// is better-sqlite3's win32 build. Git for Windows is not available here, so the test keeps to
// git-free tools: the ledger is seeded through the ledger layer (dist/test/helpers/seed-ledger.js,
// no git), and only handoff, continuation and whoami tools are called.
// Runs via scripts/ci-windows.sh (or on Windows) after `npm run build`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { resultText, resultValue } from "../../dist/test/helpers/mcp-client.js";
import { seedClaimedPackage } from "../../dist/test/helpers/seed-ledger.js";
import { requestStop } from "../../dist/src/continuation/stop-event.js";

const skip = process.platform === "win32" ? false : "needs Windows (the server under a Windows node.exe)";
const SERVER = fileURLToPath(new URL("../../dist/src/cli/server.js", import.meta.url));
const SUPERVISOR = fileURLToPath(new URL("../../dist/src/cli/host-continuation.js", import.meta.url));
const ACKER = fileURLToPath(new URL("../helpers/acking-controller.mjs", import.meta.url));
const PROBE = fileURLToPath(new URL("../helpers/console-probe.mjs", import.meta.url));
const TRIALS = 15;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "grace-wine-e2e-"));
const dataDir = path.join(root, "data");
const repo = path.join(root, "repo");
let seeded;
let codex;
let worker;

async function connect(name, role) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER],
    env: {
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: name,
      GRACE_ORCHESTRATOR_ACTOR_ROLE: role,
      GRACE_LOG_LEVEL: "warn",
      // The wake trials report more worker events a minute than the default per-package limit.
      GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE: "0",
    },
    stderr: "ignore",
  });
  const client = new Client({ name: `wine-${name}`, version: "0.0.0" });
  await client.connect(transport);
  return client;
}

async function call(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(resultText(result));
  return resultValue(result);
}

async function waitFor(fn, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

/** The built supervisor on the shared data dir (60 s poll: launches within seconds come from the wake). */
function startSupervisor(logName, env) {
  const log = path.join(root, logName);
  const fd = fs.openSync(log, "w");
  const child = spawn(
    process.execPath,
    [SUPERVISOR, "--data-dir", dataDir, "--poll-interval-seconds", "60"],
    {
      stdio: ["ignore", fd, fd],
      env: { ...process.env, GRACE_LOG_LEVEL: "info", ...env },
      windowsHide: true,
    },
  );
  return { log, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

before(async () => {
  if (skip) return;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(repo, { recursive: true });
  seeded = seedClaimedPackage(dataDir, repo, "junior-1", 2);
  [codex, worker] = await Promise.all([connect("codex-main", "codex"), connect("junior-1", "worker_junior")]);
});

after(async () => {
  await Promise.all([codex, worker].map((c) => c?.close()));
});

test("two servers on one data dir: whoami per role, from the environment", { skip }, async () => {
  const a = await call(codex, "orchestrator.whoami");
  const b = await call(worker, "orchestrator.whoami");
  assert.deepEqual([a.actor_name, a.granted_role], ["codex-main", "codex"]);
  assert.deepEqual([b.actor_name, b.granted_role], ["junior-1", "worker_junior"]);
});

test(
  "the supervisor launches a stand-in controller that acknowledges through its own server, and stops by the named event",
  { skip },
  async (t) => {
    const resultFile = path.join(root, "acked.json");
    const { log, exited } = startSupervisor("supervisor.log", {
      GRACE_CODEX_START_COMMAND: `"${process.execPath}" "${ACKER}" "{data_dir}" "${resultFile}"`,
    });
    try {
      assert.ok(await waitFor(() => fs.readFileSync(log, "utf8").includes("supervisor started"), 30_000));
      await new Promise((r) => setTimeout(r, 1_500)); // first scan done, asleep on the runs channel
      const reportedAt = performance.now();
      const event = await call(worker, "handoff.report_worker_event", {
        work_package_id: seeded.packageIds[0],
        event_type: "WORKER_NEEDS_CONTROLLER",
        message: "which schema version?",
      });
      const acked = await waitFor(
        () => fs.existsSync(resultFile) && JSON.parse(fs.readFileSync(resultFile, "utf8")),
        60_000,
      );
      assert.ok(acked, `no acknowledgement; supervisor log:\n${fs.readFileSync(log, "utf8")}`);
      t.diagnostic(
        `report -> stand-in controller acknowledged through its own server: ${Math.round(performance.now() - reportedAt)} ms`,
      );
      assert.equal(acked.error, undefined, acked.error);
      assert.deepEqual([acked.whoami.actor_name, acked.whoami.granted_role], ["codex-main", "codex"]);
      assert.equal(acked.ack.state, "ACKNOWLEDGED", JSON.stringify(acked.ack));
      assert.equal(acked.ack.source_event_id, event.event_id);
      const delivery = await call(codex, "continuation.get", { continuation_id: acked.ack.continuation_id });
      assert.equal(delivery.state, "ACKNOWLEDGED");
    } finally {
      const stopAt = performance.now();
      const asked = requestStop(dataDir);
      const code = await exited;
      t.diagnostic(`stop event set -> supervisor exited: ${Math.round(performance.now() - stopAt)} ms`);
      assert.equal(asked, true);
      assert.equal(code, 0);
    }
  },
);

test(
  "a controller whose template asks for a window gets a console of its own, argv intact",
  { skip },
  async () => {
    const probeOut = path.join(root, "window-probe.json");
    const { log, exited } = startSupervisor("supervisor-window.log", {
      GRACE_HOST_CONTINUATION_CONTROLLER_WINDOW: "1",
      GRACE_PROBE_OUT: probeOut,
      GRACE_CODEX_START_COMMAND: `"${process.execPath}" "${PROBE}" "{prompt_file}" "two words" ""`,
    });
    try {
      assert.ok(await waitFor(() => fs.readFileSync(log, "utf8").includes("supervisor started"), 30_000));
      await call(worker, "handoff.report_worker_event", {
        work_package_id: seeded.packageIds[0],
        event_type: "WORKER_BLOCKED",
        message: "needs a window",
      });
      const report = await waitFor(
        () => fs.existsSync(probeOut) && JSON.parse(fs.readFileSync(probeOut, "utf8")),
        60_000,
      );
      assert.ok(report, `no controller report; supervisor log:\n${fs.readFileSync(log, "utf8")}`);
      assert.equal(report.argv.length, 3);
      assert.match(report.argv[0], /prompt/);
      assert.deepEqual(report.argv.slice(1), ["two words", ""]);
      assert.ok(report.consoleCP > 0, `GetConsoleCP() is ${report.consoleCP} in the controller`);
      assert.notEqual(report.consoleWindow, "0");
    } finally {
      requestStop(dataDir);
      assert.equal(await exited, 0);
    }
  },
);

test(
  `a controller waiting in one server is woken by a worker's report in another (${TRIALS} trials)`,
  { skip },
  async (t) => {
    const latencies = [];
    for (let i = 0; i < TRIALS; i += 1) {
      const waiting = call(codex, "handoff.wait_for_event", {
        work_package_id: seeded.packageIds[1],
        after_event_count: i,
        timeout_seconds: 30,
      });
      await new Promise((r) => setTimeout(r, 150)); // the wait subscribes and blocks
      const reportedAt = performance.now();
      await call(worker, "handoff.report_worker_event", {
        work_package_id: seeded.packageIds[1],
        event_type: "WORKER_BLOCKED",
        message: `trial ${i}`,
      });
      const result = await waiting;
      latencies.push(performance.now() - reportedAt);
      assert.equal(result.status, "event");
      assert.equal(result.events.at(-1).payload.message, `trial ${i}`);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    t.diagnostic(
      `report -> wake (includes the report call's round trip): median ${median(latencies).toFixed(1)} ms, ` +
        `p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms over ${TRIALS}`,
    );
    // The wait re-reads the ledger every few seconds even without a wake: well under that is the wake.
    assert.ok(median(latencies) < 1_000, `median ${median(latencies)} ms`);
  },
);
