// Abort through the hub's cancel event: quick, no registry entry left, and node.exe exits by itself
// (a pending koffi async call would keep it alive, so this also proves no native wait is left).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { makeSpawner, registryEntries, rmrf, tempDataDir } from "./signal-helpers.mjs";

test("a cancelled wait returns within 50 ms, leaves no entry after close, and the process exits", async (t) => {
  const dataDir = tempDataDir("abort");
  t.after(() => rmrf(dataDir));
  const spawn = makeSpawner(t, "abort");
  const child = spawn(["abort", dataDir, "runs"]);
  const armed = await child.next((m) => m.armed === true, 60_000);
  assert.equal(armed.entries, 1);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the native wait is now well inside its slice
  child.send({ abort: true });
  const r = await child.next((m) => "outcome" in m, 10_000);
  assert.equal(r.outcome, "aborted");
  assert.ok(r.abortMs < 50, `abort took ${r.abortMs} ms`);
  assert.equal(r.entriesAfterClose, 0);
  // The wait was for 30 s: exiting promptly means nothing (timer, native call) holds the loop.
  const exit = await Promise.race([
    child.exited,
    new Promise((resolve) => setTimeout(resolve, 5_000, "hung")),
  ]);
  assert.deepEqual(exit, { code: 0, signal: null });
  // Without SetEvent(hubCancel) the pending native wait would keep node.exe alive ~1.9 s longer.
  const aliveMs = Number(fs.readFileSync(path.join(dataDir, "abort-exit-ms"), "utf8"));
  assert.ok(aliveMs < 1_000, `the loop stayed alive ${aliveMs} ms after the abort`);
  assert.equal(registryEntries(dataDir, "runs").length, 0);
});
