// Mimo's launch on Windows, TUI and headless alike, goes through the launch gate: the gate's pid
// is committed on the PREPARED session before the gate starts Mimo, so a server that dies at any
// moment leaves no Mimo the ledger does not know. The stand-in Mimo is the console probe, which
// reads the ledger at its start. Git for Windows is not available here: the ledger is seeded
// through the ledger layer (dist/test/helpers/seed-ledger.js) and the launch is driven from its
// PREPARED row on (prepareLaunch, then startGated), with a plain directory as the workspace.
// Runs under Wine via scripts/ci-windows.sh (or on Windows) after `npm run build`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { identityFor } from "../../dist/src/config/identity.js";
import { LEDGER_FILE, openLedger } from "../../dist/src/ledger/database.js";
import { createServiceContext } from "../../dist/src/service/context.js";
import { prepareLaunch, startGated } from "../../dist/src/service/mimo-launch.js";
import { detachMimoGate } from "../../dist/src/mimo/launch-gate.js";
import { killTree, releaseTree } from "../../dist/src/process/kill-tree.js";
import { captureIdentity, checkLiveness } from "../../dist/src/process/identity.js";
import { seedLaunchablePackage } from "../../dist/test/helpers/seed-ledger.js";

const skip = process.platform === "win32" ? false : "needs Windows (CreateProcessW, Job Objects)";
const PROBE = fileURLToPath(new URL("../helpers/console-probe.mjs", import.meta.url));
const SYSTEMROOT = process.env.SYSTEMROOT ?? "C:\\windows";

async function waitFor(fn, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

const readJson = (file) => fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8"));

async function gone(pid) {
  return waitFor(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 10_000);
}

/** A seeded ledger, a GLM service context on it, and a PREPARED session for the package. */
function prepared(mode) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "grace-mimo-launch-"));
  const dataDir = path.join(root, "data");
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(workspace, { recursive: true });
  const seeded = seedLaunchablePackage(dataDir, path.join(root, "repo"));
  const db = openLedger(dataDir);
  const ctx = createServiceContext(db, identityFor("glm-1", "glm"), dataDir);
  const plan = prepareLaunch(ctx, { work_package_id: seeded.packageId, mode });
  const out = path.join(root, "mimo.json");
  const env = {
    GRACE_PROBE_OUT: out,
    GRACE_PROBE_LEDGER: path.join(dataDir, LEDGER_FILE),
    GRACE_PROBE_SESSION: String(plan.session.id),
    SYSTEMROOT,
  };
  const close = () => {
    ctx.signal.close();
    db.close();
  };
  return { root, workspace, ctx, plan, out, env, close };
}

test(
  "TUI: Mimo starts in a console of its own only after the gate's pid is committed, and outlives the gate",
  { skip },
  async (t) => {
    const w = prepared("tui");
    t.after(w.close);
    const argv = [process.execPath, PROBE, "--prompt", "Read the briefing at C:\\My Work\\b.md"];
    const env = { ...w.env, GRACE_PROBE_STAY: "1" };
    const started = await startGated(w.ctx, w.plan, { argv, workspace: w.workspace, env, mode: "tui" });
    // What the server does once Mimo is recorded: the gate and its job go their own way.
    releaseTree(started.tree);
    detachMimoGate(started.gate);
    const report = await waitFor(() => readJson(w.out));
    assert.ok(report, "the stand-in Mimo never reported");
    t.after(() => {
      try {
        process.kill(report.pid);
      } catch {
        // already gone
      }
    });
    assert.equal(report.pid, started.pid);
    // At Mimo's first step the ledger already named the gate, its parent, on the PREPARED row.
    assert.equal(report.ppid, started.gate.pid);
    assert.deepEqual(
      { state: report.session?.lifecycle_state, pid: report.session?.pid },
      { state: "PREPARED", pid: started.gate.pid },
    );
    assert.ok(report.session.process_started_at_os, "the gate's start time was not recorded");
    assert.ok(report.consoleCP > 0, `GetConsoleCP() is ${report.consoleCP} in Mimo`);
    assert.notEqual(report.consoleWindow, "0", "GetConsoleWindow() is NULL in Mimo");
    assert.deepEqual(report.argv, argv.slice(2));
    // The start time the gate read from CreateProcessW's handle is the one a probe reads.
    assert.equal((await captureIdentity(started.pid)).os_start_time, started.startTime);
    // Nothing that closes on our side ends the window: the gate killed, the job handle closed.
    process.kill(started.gate.pid);
    assert.ok(await gone(started.gate.pid), "the gate did not end");
    await new Promise((r) => setTimeout(r, 500));
    const liveness = await checkLiveness({ pid: report.pid, os_start_time: started.startTime });
    assert.equal(liveness, "MATCH", "the TUI Mimo ended with its gate");
  },
);

test(
  "headless: Mimo starts behind the recorded gate, writes to the session's log, and its tree stops through the job",
  { skip },
  async (t) => {
    const w = prepared("headless");
    t.after(w.close);
    const argv = [process.execPath, PROBE];
    const env = {
      ...w.env,
      GRACE_PROBE_STAY: "1",
      GRACE_PROBE_GRANDCHILD: "1",
      GRACE_PROBE_SAY: "hello log",
    };
    const started = await startGated(w.ctx, w.plan, { argv, workspace: w.workspace, env, mode: "headless" });
    const report = await waitFor(() => readJson(w.out));
    assert.ok(report, "the stand-in Mimo never reported");
    assert.equal(report.pid, started.pid);
    assert.equal(report.ppid, started.gate.pid);
    assert.deepEqual(
      { state: report.session?.lifecycle_state, pid: report.session?.pid },
      { state: "PREPARED", pid: started.gate.pid },
    );
    assert.equal(started.startTime, null);
    assert.ok(
      await waitFor(() => fs.readFileSync(w.plan.paths.stdout, "utf8").includes("hello log")),
      "Mimo's output did not reach the session's stdout log",
    );
    assert.equal(await killTree(started.tree, "SIGKILL"), null);
    releaseTree(started.tree);
    detachMimoGate(started.gate);
    for (const pid of [started.gate.pid, report.pid, report.grandchild]) {
      assert.ok(await gone(pid), `process ${pid} of the session's tree still runs`);
    }
  },
);
