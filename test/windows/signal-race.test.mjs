// Lost-wake-up race across node.exe processes: commit (seq file, tmp + rename) then notify, against
// subscribe → check → wait. The broken order must lose some, proving the harness can fail.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { makeSpawner, rmrf, tempDataDir } from "./signal-helpers.mjs";

async function runRace(t, trials, broken, waitMs) {
  const dataDir = tempDataDir("race");
  t.after(() => rmrf(dataDir));
  const spawn = makeSpawner(t, broken ? "race-broken" : "race");
  const seqFile = path.join(dataDir, "seq");
  const waiter = spawn(["race-waiter", dataDir, seqFile, broken ? "1" : "0", String(waitMs)]);
  // Subscribing costs ~1 ms under Wine (every kernel call goes through wineserver), so spread the
  // commit over a wider window than on Linux to land on both sides of the waiter's check.
  const committer = spawn(["race-committer", dataDir, seqFile, "3000"]);
  await Promise.all([
    waiter.next((m) => m.up === true, 60_000),
    committer.next((m) => m.up === true, 60_000),
  ]);
  const counts = {};
  for (let trial = 1; trial <= trials; trial += 1) {
    const isTrial = (m) => m.trial === trial;
    waiter.send({ trial });
    committer.send({ trial });
    const [w] = await Promise.all([waiter.next(isTrial), committer.next(isTrial)]);
    counts[w.outcome] = (counts[w.outcome] ?? 0) + 1;
  }
  t.diagnostic(`${broken ? "broken" : "correct"} order: ${JSON.stringify(counts)}`);
  return counts;
}

test("subscribe → check → wait loses no wake-up in 200 trials", async (t) => {
  const counts = await runRace(t, 200, false, 300);
  assert.equal(counts.lost ?? 0, 0, JSON.stringify(counts));
  assert.equal(counts.spurious ?? 0, 0, JSON.stringify(counts));
  // "late": the committer ran past the wait's bound (a loaded machine), not a lost wake-up.
  assert.equal((counts.ready ?? 0) + (counts.woken ?? 0) + (counts.late ?? 0), 200);
  assert.ok((counts.woken ?? 0) > 0, "the wait path was exercised");
});

test("the broken order (check, yield, subscribe) loses wake-ups", async (t) => {
  const counts = await runRace(t, 60, true, 100);
  assert.ok((counts.lost ?? 0) > 0, JSON.stringify(counts));
});
