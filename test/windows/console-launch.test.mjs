// Launching into a new console (CreateProcessW through native-bindings/kernel32-process.ts), the
// command line built by windowsCommandLine checked against the real CommandLineToArgvW, and
// process trees stopped through Job Objects. Runs under Wine via scripts/ci-windows.sh (or on
// Windows) after `npm run build`. Plain node:test because vitest does not start under Wine.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { commandLineToArgvW } from "../../dist/native-bindings/shell32.js";
import { windowsCommandLine } from "../../dist/src/process/windows-command-line.js";
import { launchInNewConsole } from "../../dist/src/process/windows-console.js";
import { checkLiveness } from "../../dist/src/process/identity.js";
import { prng } from "../../dist/test/helpers/prng.js";

const skip = process.platform === "win32" ? false : "needs Windows (CreateProcessW, Job Objects)";
const PROBE = fileURLToPath(new URL("../helpers/console-probe.mjs", import.meta.url));
const TRICKY = [
  "plain",
  "with space",
  "",
  'say "hi"',
  "C:\\dir with space\\",
  'a\\\\"b',
  "tab\there",
  "日本語 ü 😀",
  "\\\\server\\share\\",
];

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "grace-console-"));
}

async function waitForFile(file, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no report at ${file} within ${ms} ms`);
}

async function gone(pid, ms = 5_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await checkLiveness({ pid, os_start_time: "UNKNOWN" })) === "NOT_FOUND_OR_REUSED") {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test(
  "windowsCommandLine round-trips through the real CommandLineToArgvW (500 random argvs)",
  { skip },
  () => {
    const alphabet = [" ", "\t", '"', "\\", "\\", "a", "é", "😀", "'", "&", "%"];
    const rand = prng(20261130);
    const pick = (max, chars) => {
      let s = "";
      const n = Math.floor(rand() * (max + 1));
      for (let i = 0; i < n; i += 1) s += chars[Math.floor(rand() * chars.length)];
      return s;
    };
    const cases = [["C:\\Program Files\\x.exe", ...TRICKY]];
    for (let i = 0; i < 500; i += 1) {
      const argv = [
        `p${pick(
          5,
          alphabet.filter((c) => c !== '"'),
        )}`,
      ];
      for (let j = Math.floor(rand() * 6); j > 0; j -= 1) argv.push(pick(8, alphabet));
      cases.push(argv);
    }
    for (const argv of cases) {
      const line = windowsCommandLine(argv);
      assert.deepEqual(commandLineToArgvW(line), argv, `${JSON.stringify(argv)} -> ${line}`);
    }
  },
);

test(
  "the child gets a console of its own, argv intact, the worktree as cwd and only the given env",
  { skip },
  async () => {
    const dir = tempDir();
    const out = path.join(dir, "report.json");
    const env = {
      GRACE_PROBE_OUT: out,
      SYSTEMROOT: process.env.SYSTEMROOT ?? "C:\\windows",
      GRACE_ALLOWED: "1",
    };
    const launched = launchInNewConsole({
      argv: [process.execPath, PROBE, ...TRICKY],
      cwd: dir,
      env,
      inJob: true,
    });
    try {
      assert.ok(launched.pid > 0);
      assert.ok(BigInt(launched.startTime) > 120_000_000_000_000_000n, launched.startTime);
      const report = await waitForFile(out);
      assert.equal(report.pid, launched.pid);
      assert.deepEqual(report.argv, TRICKY);
      assert.equal(report.cwd.toLowerCase(), dir.toLowerCase());
      // Both are 0 in a process with no console (what Node's `detached` gives, below). Under Wine
      // a console window needs a display: scripts/ci-windows.sh runs the suite under Xvfb.
      assert.ok(report.consoleCP > 0, `GetConsoleCP() is ${report.consoleCP} in the child`);
      assert.notEqual(report.consoleWindow, "0", "GetConsoleWindow() is NULL in the child");
      assert.ok(report.envNames.includes("GRACE_ALLOWED"));
      assert.ok(
        !report.envNames.includes("PATH") && !report.envNames.includes("Path"),
        report.envNames.join(","),
      );
    } finally {
      launched.job?.terminate();
      launched.job?.close();
    }
  },
);

test("contrast: Node's spawn with `detached` gives the child no console at all", { skip }, async () => {
  const dir = tempDir();
  const out = path.join(dir, "report.json");
  const child = spawn(process.execPath, [PROBE], {
    cwd: dir,
    env: { GRACE_PROBE_OUT: out, SYSTEMROOT: process.env.SYSTEMROOT ?? "C:\\windows" },
    detached: true,
    stdio: "ignore",
  });
  const report = await waitForFile(out);
  child.unref();
  assert.equal(report.consoleCP, 0);
  assert.equal(report.consoleWindow, "0");
});

test("stopping the job ends the child and the grandchild it started", { skip }, async () => {
  const dir = tempDir();
  const out = path.join(dir, "report.json");
  const env = {
    GRACE_PROBE_OUT: out,
    GRACE_PROBE_GRANDCHILD: "1",
    GRACE_PROBE_STAY: "1",
    SYSTEMROOT: process.env.SYSTEMROOT ?? "C:\\windows",
  };
  const launched = launchInNewConsole({ argv: [process.execPath, PROBE], cwd: dir, env, inJob: true });
  const report = await waitForFile(out);
  assert.ok(report.grandchild > 0);
  assert.equal(launched.job.terminate(), null);
  launched.job.close();
  assert.ok(await gone(report.pid), `child ${report.pid} still runs`);
  assert.ok(await gone(report.grandchild), `grandchild ${report.grandchild} still runs`);
});
