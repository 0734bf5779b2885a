// Named-event broadcast and stale-waiter cleanup across separate Windows node.exe processes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeSpawner, openNamedSignal, registryEntries, rmrf, tempDataDir } from "./signal-helpers.mjs";

async function armedWaiters(spawn, dataDir, channel, n) {
  const ws = Array.from({ length: n }, () => spawn(["waiter", dataDir, channel, "60000"]));
  await Promise.all(ws.map((w) => w.next((m) => m.armed === true, 60_000)));
  return ws;
}

test("one notify wakes all 8 waiters in 8 node.exe processes", async (t) => {
  const dataDir = tempDataDir("bc");
  t.after(() => rmrf(dataDir));
  const spawn = makeSpawner(t, "broadcast");
  const ws = await armedWaiters(spawn, dataDir, "package-12", 8);
  assert.equal(registryEntries(dataDir, "package-12").length, 8);
  const signal = openNamedSignal(dataDir);
  assert.equal(signal.notify("package-12"), 8);
  const results = await Promise.all(ws.map((w) => w.next((m) => "outcome" in m, 10_000)));
  assert.deepEqual(
    results.map((r) => r.outcome),
    Array(8).fill("signaled"),
  );
  const exits = await Promise.all(ws.map((w) => w.exited));
  assert.deepEqual(
    exits.map((e) => e.code),
    Array(8).fill(0),
  );
  assert.equal(registryEntries(dataDir, "package-12").length, 0);
});

test("a killed waiter's stale entry is removed by the next notify, which still wakes the others", async (t) => {
  const dataDir = tempDataDir("stale");
  t.after(() => rmrf(dataDir));
  const spawn = makeSpawner(t, "stale");
  const [victim, ...others] = await armedWaiters(spawn, dataDir, "task-3", 3);
  victim.kill(); // TerminateProcess: no cleanup code runs, the kernel closes its event handle
  await victim.exited;
  assert.equal(registryEntries(dataDir, "task-3").length, 3, "the dead waiter's entry stays behind");
  const victimPid = victim.proc.pid;
  const isVictims = (name) => name.includes(`-${victimPid}-`);
  assert.ok(registryEntries(dataDir, "task-3").some(isVictims), "waiter entries carry their owner's pid");
  const signal = openNamedSignal(dataDir);
  assert.equal(signal.notify("task-3"), 2);
  // The woken waiters may already be removing their own entries, so look for the victim's by name
  // (waiter ids start with the owner's pid).
  assert.ok(
    !registryEntries(dataDir, "task-3").some(isVictims),
    "the dead waiter's entry was removed by notify",
  );
  const results = await Promise.all(others.map((w) => w.next((m) => "outcome" in m, 10_000)));
  assert.deepEqual(
    results.map((r) => r.outcome),
    ["signaled", "signaled"],
  );
  await Promise.all(others.map((w) => w.exited));
  assert.equal(registryEntries(dataDir, "task-3").length, 0);
});
