// npm shims resolved to what they run and started without a shell; test-run trees stopped through
// Job Objects; Mimo's TUI started into a console of its own. Runs under Wine via
// scripts/ci-windows.sh (or on Windows) after `npm run build`. The shims are the committed ones
// npm's cmd-shim wrote (test/fixtures/npm-shims).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { resolveCommand } from "../../dist/src/process/resolve-command.js";
import { isExecutableFile } from "../../dist/src/process/which.js";
import { killTree, trackTree } from "../../dist/src/process/kill-tree.js";
import { runAllowlistedTest } from "../../dist/src/git/run-tests.js";
import { resolveMimoExecutable } from "../../dist/src/mimo/executable.js";
import { detachMimoGate, releaseMimoGate, startMimoGate } from "../../dist/src/mimo/launch-gate.js";
import { captureIdentity, checkLiveness } from "../../dist/src/process/identity.js";

const skip = process.platform === "win32" ? false : "needs Windows";
const FIXTURES = fileURLToPath(new URL("../fixtures/npm-shims/prefix", import.meta.url));
const PROBE = fileURLToPath(new URL("../helpers/console-probe.mjs", import.meta.url));
const NODE_DIR = path.dirname(process.execPath);
const SYSTEMROOT = process.env.SYSTEMROOT ?? "C:\\windows";

/** A copy of the fixture prefix, with a real program (this node.exe) as the exe bin. */
function prefix() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-shims-"));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  const exe = path.join(dir, "node_modules", "exe-pkg", "bin", "tool.exe");
  fs.rmSync(exe);
  try {
    fs.linkSync(process.execPath, exe);
  } catch {
    fs.copyFileSync(process.execPath, exe);
  }
  fs.copyFileSync(path.join(dir, "node-tool.cmd"), path.join(dir, "mimo.cmd"));
  return dir;
}

const search = (dir) => ({
  platform: "win32",
  path: `${NODE_DIR};${dir}`,
  pathext: ".COM;.EXE;.BAT;.CMD",
  isFile: isExecutableFile,
});

function run(argv) {
  return execFileSync(argv[0], argv.slice(1), { encoding: "utf8", windowsHide: true });
}

async function waitFor(fn, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out");
}

const gone = async (pid) =>
  (await checkLiveness({ pid, os_start_time: "UNKNOWN" })) === "NOT_FOUND_OR_REUSED";

test(
  "an npm node shim runs as node.exe <script> with argv intact; an exe shim runs its .exe",
  { skip },
  () => {
    const dir = prefix();
    const args = ["a b", 'q"uote', "", "C:\\trailing\\"];
    const argv = resolveCommand(["node-tool", ...args], search(dir));
    assert.equal(argv[0].toLowerCase(), process.execPath.toLowerCase());
    assert.equal(argv[1], path.join(dir, "node_modules", "node-pkg", "bin", "tool.js"));
    assert.deepEqual(JSON.parse(run(argv)), args);
    assert.deepEqual(JSON.parse(run(resolveCommand(["flag-tool"], search(dir)))), ["--no-warnings"]);
    const exe = resolveCommand(["exe-tool", "-e", "process.stdout.write('exe ran')"], search(dir));
    assert.equal(exe[0], path.join(dir, "node_modules", "exe-pkg", "bin", "tool.exe"));
    assert.equal(run(exe), "exe ran");
    assert.throws(() => resolveCommand(["hand-written"], search(dir)), /not an npm-generated shim/);
    assert.throws(() => resolveCommand(["sh-tool"], search(dir)), /'\/bin\/sh' script/);
  },
);

test("repo.run_tests' runner starts an npm shim test command (npm test's situation)", { skip }, async () => {
  const dir = prefix();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-data-"));
  const result = await runAllowlistedTest({
    commandKey: "unit",
    argv: ["node-tool", "x y"],
    cwd: dir,
    dataDir,
    search: search(dir),
  });
  assert.equal(result.exit_code, 0);
  assert.equal(fs.readFileSync(result.stdout_path, "utf8"), JSON.stringify(["x y"]));
});

test("a test run that times out is stopped with its grandchild (Job Object)", { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-tree-"));
  const out = path.join(dir, "report.json");
  // The probe reports to GRACE_PROBE_OUT; a test command gets only the allowlist plus the names it declares.
  process.env.GRACE_PROBE_OUT = out;
  process.env.GRACE_PROBE_GRANDCHILD = "1";
  process.env.GRACE_PROBE_STAY = "1";
  try {
    const result = await runAllowlistedTest({
      commandKey: "unit",
      argv: [process.execPath, PROBE],
      cwd: dir,
      dataDir: dir,
      timeoutMs: 4_000,
      search: search(dir),
      declaredEnv: ["GRACE_PROBE_OUT", "GRACE_PROBE_GRANDCHILD", "GRACE_PROBE_STAY"],
    });
    assert.equal(result.timed_out, true);
    assert.equal(result.stop_failure, null);
    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.ok(await waitFor(() => gone(report.pid), 5_000));
    assert.ok(
      await waitFor(() => gone(report.grandchild), 5_000),
      `grandchild ${report.grandchild} still runs`,
    );
  } finally {
    delete process.env.GRACE_PROBE_OUT;
    delete process.env.GRACE_PROBE_GRANDCHILD;
    delete process.env.GRACE_PROBE_STAY;
  }
});

test("killTree on a spawned child ends the grandchild it started", { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-tree-"));
  const out = path.join(dir, "report.json");
  const env = { GRACE_PROBE_OUT: out, GRACE_PROBE_GRANDCHILD: "1", GRACE_PROBE_STAY: "1", SYSTEMROOT };
  const child = spawn(process.execPath, [PROBE], { cwd: dir, env, stdio: "ignore", windowsHide: true });
  const tree = trackTree(child);
  assert.equal(tree.jobError, null);
  const report = await waitFor(() => fs.existsSync(out) && JSON.parse(fs.readFileSync(out, "utf8")));
  assert.equal(await killTree(tree), null);
  assert.ok(await waitFor(() => gone(report.pid), 5_000));
  assert.ok(
    await waitFor(() => gone(report.grandchild), 5_000),
    `grandchild ${report.grandchild} still runs`,
  );
});

test(
  "when no job holds the tree, the taskkill fallback's failure is reported, not swallowed",
  { skip },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-tree-"));
    const out = path.join(dir, "report.json");
    const env = { GRACE_PROBE_OUT: out, GRACE_PROBE_GRANDCHILD: "1", GRACE_PROBE_STAY: "1", SYSTEMROOT };
    const child = spawn(process.execPath, [PROBE], { cwd: dir, env, stdio: "ignore", windowsHide: true });
    const report = await waitFor(() => fs.existsSync(out) && JSON.parse(fs.readFileSync(out, "utf8")));
    const reason = await killTree({ child, job: null, jobError: "no job (test)" });
    if (reason === null) {
      // Windows' own taskkill supports /T: then the tree must really be gone.
      assert.ok(await waitFor(() => gone(report.grandchild), 5_000));
    } else {
      // Wine's taskkill has no /T: the failure comes back to the caller with the job's reason.
      assert.match(reason, /^no job \(test\); taskkill \/T \/F failed/);
      const tree = trackTree(child);
      assert.equal(await killTree(tree), null);
    }
    assert.ok(await waitFor(() => gone(report.pid), 5_000));
  },
);

test(
  "Mimo installed by npm: the shim resolves to node.exe <script>, and the TUI opens a console of its own",
  { skip },
  async (t) => {
    const dir = prefix();
    const program = resolveMimoExecutable("mimo", `${NODE_DIR};${dir}`, "win32");
    assert.equal(program.length, 2);
    assert.equal(program[0].toLowerCase(), process.execPath.toLowerCase());
    assert.equal(program[1], path.join(dir, "node_modules", "node-pkg", "bin", "tool.js"));
    // The TUI itself is the console probe here: same launch path (the launch gate), argv and env
    // as a Mimo TUI.
    const out = path.join(dir, "tui.json");
    const argv = [process.execPath, PROBE, "--trust", "--prompt", "Read the briefing at C:\\My Work\\b.md"];
    const env = { GRACE_PROBE_OUT: out, GRACE_PROBE_STAY: "1", SYSTEMROOT };
    const gate = await startMimoGate({ cwd: dir, env });
    const started = await releaseMimoGate(gate, { argv, cwd: dir, env, newConsole: true });
    detachMimoGate(gate);
    assert.ok(started.ok, started.reason);
    const { pid, startTime } = started;
    // The start time comes from the CreateProcessW handle and is the one a probe reads.
    assert.equal((await captureIdentity(pid)).os_start_time, startTime);
    t.after(() => process.kill(pid));
    const report = await waitFor(() => fs.existsSync(out) && JSON.parse(fs.readFileSync(out, "utf8")));
    assert.equal(report.pid, pid);
    assert.deepEqual(report.argv, argv.slice(2));
    assert.ok(report.consoleCP > 0);
    assert.notEqual(report.consoleWindow, "0");
  },
);
