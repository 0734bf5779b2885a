// Process identity on the Windows path: OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION) +
// GetProcessTimes through native-bindings/kernel32.ts. Runs under Wine via scripts/ci-windows.sh
// (or on Windows): `node --test test/windows/process-identity.test.mjs` after `npm run build`.
// Plain node:test because vitest does not start under Wine.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import assert from "node:assert/strict";
import { argvHash, captureIdentity, checkLiveness } from "../../dist/src/process/identity.js";

const skip = process.platform === "win32" ? false : "needs Windows (OpenProcess + GetProcessTimes)";

function startIdle() {
  const argv = [process.execPath, "-e", "setInterval(() => {}, 1000)"];
  const child = spawn(argv[0], argv.slice(1), { stdio: "ignore", windowsHide: true });
  return { child, argv };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill();
  await exited;
}

test("a live child is MATCH; after it exits it is NOT_FOUND_OR_REUSED", { skip }, async () => {
  const { child, argv } = startIdle();
  let identity;
  try {
    identity = await captureIdentity(child.pid, argv, "0123456789abcdef");
    assert.equal(identity.pid, child.pid);
    // Creation FILETIME: 100 ns ticks since 1601, so well above 1.2e17 for any date after 1980.
    assert.match(identity.os_start_time, /^\d+$/);
    assert.ok(BigInt(identity.os_start_time) > 120_000_000_000_000_000n, identity.os_start_time);
    assert.equal(identity.argv_hash, argvHash(argv));
    assert.equal(identity.launch_nonce, "0123456789abcdef");
    // QueryFullProcessImageNameW: the child runs this same node.exe.
    assert.equal(identity.executable_path.toLowerCase(), process.execPath.toLowerCase());
    assert.equal(await checkLiveness(identity), "MATCH");
    // The same pid with another creation time is a reused pid.
    const reused = { pid: identity.pid, os_start_time: String(BigInt(identity.os_start_time) - 1n) };
    assert.equal(await checkLiveness(reused), "NOT_FOUND_OR_REUSED");
  } finally {
    await stop(child);
  }
  assert.equal(await checkLiveness(identity), "NOT_FOUND_OR_REUSED");
});

test("the current process reads the same start time twice", { skip }, async () => {
  const first = await captureIdentity(process.pid);
  const second = await captureIdentity(process.pid);
  assert.notEqual(first.os_start_time, "UNKNOWN");
  assert.equal(first.os_start_time, second.os_start_time);
  assert.equal(await checkLiveness(first), "MATCH");
});

test("a stored UNKNOWN start time stays UNKNOWN for a live process", { skip }, async () => {
  assert.equal(await checkLiveness({ pid: process.pid, os_start_time: "UNKNOWN" }), "UNKNOWN");
});

test("a pid that names no process is NOT_FOUND_OR_REUSED", { skip }, async () => {
  // Windows pids are multiples of 4; this one is far above anything handed out.
  assert.equal(await checkLiveness({ pid: 0xfffffff0, os_start_time: "1" }), "NOT_FOUND_OR_REUSED");
});
