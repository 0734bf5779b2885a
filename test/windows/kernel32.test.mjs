// The raw kernel32 declarations behave as the wake primitive and process identity expect.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clearInterval, setInterval } from "node:timers";
import {
  ERROR_ALREADY_EXISTS,
  ERROR_FILE_NOT_FOUND,
  EVENT_MODIFY_STATE,
  loadKernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
} from "../../dist/native-bindings/kernel32.js";

test("named auto-reset event: create, open, set, consume, missing name", () => {
  const k = loadKernel32();
  assert.equal(loadKernel32(), k, "cached");
  const name = `Local\\grace-selftest-${process.pid}`;
  const h = k.CreateEventW(null, 0, 0, name);
  assert.equal(typeof h, "bigint");
  const again = k.CreateEventW(null, 0, 0, name);
  assert.equal(k.GetLastError(), ERROR_ALREADY_EXISTS);
  k.CloseHandle(again);
  assert.equal(k.WaitForSingleObject(h, 0), WAIT_TIMEOUT);
  const o = k.OpenEventW(EVENT_MODIFY_STATE, 0, name);
  assert.notEqual(o, null);
  assert.equal(k.SetEvent(o), 1);
  k.CloseHandle(o);
  assert.equal(k.WaitForSingleObject(h, 0), WAIT_OBJECT_0);
  assert.equal(k.WaitForSingleObject(h, 0), WAIT_TIMEOUT, "auto-reset consumed the wake");
  k.CloseHandle(h);
  assert.equal(k.OpenEventW(EVENT_MODIFY_STATE, 0, name), null);
  assert.equal(k.GetLastError(), ERROR_FILE_NOT_FOUND);
});

test("WaitForMultipleObjects.async reports the signalled index and keeps the event loop running", async () => {
  const k = loadKernel32();
  const a = k.CreateEventW(null, 0, 0, null);
  const b = k.CreateEventW(null, 0, 0, null);
  let ticks = 0;
  const iv = setInterval(() => (ticks += 1), 5);
  setTimeout(() => k.SetEvent(b), 100);
  const r = await new Promise((resolve, reject) =>
    k.WaitForMultipleObjects.async(2, [a, b], 0, 5000, (err, res) => (err ? reject(err) : resolve(res))),
  );
  clearInterval(iv);
  assert.equal(r, WAIT_OBJECT_0 + 1);
  assert.ok(ticks >= 5, `event loop ticked ${ticks} times during the native wait`);
  k.CloseHandle(a);
  k.CloseHandle(b);
});

test("OpenProcess + GetProcessTimes give this process's creation time", () => {
  const k = loadKernel32();
  const h = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, process.pid);
  assert.notEqual(h, null);
  const creation = {};
  const exit = {};
  const kernel = {};
  const user = {};
  assert.equal(k.GetProcessTimes(h, creation, exit, kernel, user), 1);
  k.CloseHandle(h);
  const ticks = (BigInt(creation.dwHighDateTime) << 32n) | BigInt(creation.dwLowDateTime);
  const unixMs = Number(ticks / 10_000n - 11_644_473_600_000n);
  const startedMs = Date.now() - process.uptime() * 1000;
  assert.ok(Math.abs(unixMs - startedMs) < 10_000, `creation ${unixMs} vs start ${startedMs}`);
});
