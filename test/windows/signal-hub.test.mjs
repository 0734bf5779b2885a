// The process-wide wait hub: many waiters of one process share a single native wait.
import assert from "node:assert/strict";
import { test } from "node:test";
import { performance } from "node:perf_hooks";
import { openNamedSignal, registryEntries, rmrf, tempDataDir } from "./signal-helpers.mjs";

test("waiters on different channels in one process wake independently", async (t) => {
  const dataDir = tempDataDir("hub");
  const signal = openNamedSignal(dataDir);
  t.after(() => {
    signal.close();
    rmrf(dataDir);
  });
  const a = signal.subscribe("package-1");
  const b = signal.subscribe("package-2");
  const c = signal.subscribe("package-2");
  const pa = a.wait(2_000);
  const pb = b.wait(5_000);
  const pc = c.wait(5_000);
  setTimeout(() => signal.notify("package-2"), 20);
  assert.deepEqual(await Promise.all([pb, pc]), ["signaled", "signaled"]);
  assert.equal(await pa, "timeout");
  // A wake that arrives while nobody waits is latched by the auto-reset event.
  assert.equal(signal.notify("package-1"), 1);
  assert.equal(await a.wait(0), "signaled");
  assert.equal(await a.wait(0), "timeout");
});

test("70 waiters (more than one WaitForMultipleObjects can take) all wake", async (t) => {
  const dataDir = tempDataDir("hub70");
  const signal = openNamedSignal(dataDir);
  t.after(() => {
    signal.close();
    rmrf(dataDir);
  });
  const ws = Array.from({ length: 70 }, () => signal.subscribe("runs"));
  const waits = ws.map((w) => w.wait(10_000));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(signal.notify("runs"), 70);
  const outcomes = await Promise.all(waits);
  assert.deepEqual(outcomes, Array(70).fill("signaled"));
  signal.close();
  assert.equal(registryEntries(dataDir, "runs").length, 0);
});

test("abort and close resolve at once while the native wait is pending", async (t) => {
  const dataDir = tempDataDir("hubabort");
  const signal = openNamedSignal(dataDir);
  t.after(() => rmrf(dataDir));
  const w1 = signal.subscribe("task-1");
  const w2 = signal.subscribe("task-1");
  const ac = new globalThis.AbortController();
  const p1 = w1.wait(30_000, ac.signal);
  const p2 = w2.wait(30_000);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const t0 = performance.now();
  ac.abort();
  assert.equal(await p1, "aborted");
  w2.close();
  assert.equal(await p2, "aborted");
  assert.ok(performance.now() - t0 < 50);
  w1.close();
  assert.equal(registryEntries(dataDir, "task-1").length, 0);
});
