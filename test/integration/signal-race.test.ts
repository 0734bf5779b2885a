/**
 * Lost-wake-up race across real processes: a committer process writes seq=i atomically and then
 * notifies; a waiter process subscribes, checks the seq, and waits. A wake-up is lost when the wait
 * times out although the commit had happened. The broken order (check, yield, subscribe) must lose
 * some, which proves the harness can detect the bug it guards against.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnChild, type Child } from "../helpers/signal-procs.js";
import { NO_RETRY } from "../helpers/no-retry.js";

let children: Child[] = [];
let dirs: string[] = [];

afterEach(() => {
  for (const c of children) c.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  children = [];
  dirs = [];
});

async function runRace(trials: number, broken: boolean, waitMs: number): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-signal-race-"));
  dirs.push(dataDir);
  const seqFile = path.join(dataDir, "seq");
  const waiter = spawnChild(["race-waiter", dataDir, seqFile, broken ? "1" : "0", String(waitMs)]);
  const committer = spawnChild(["race-committer", dataDir, seqFile]);
  children.push(waiter, committer);
  await Promise.all([waiter.next((m) => m.up === true), committer.next((m) => m.up === true)]);
  const counts: Record<string, number> = {};
  for (let trial = 1; trial <= trials; trial += 1) {
    const isTrial = (m: Record<string, unknown>): boolean => m.trial === trial;
    waiter.send({ trial });
    committer.send({ trial });
    const [w] = await Promise.all([waiter.next(isTrial), committer.next(isTrial)]);
    const outcome = String(w.outcome);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

describe("signal race (cross-process)", NO_RETRY, () => {
  it("subscribe → check → wait loses no wake-up in 500 trials", async () => {
    const counts = await runRace(500, false, 300);
    console.log("correct order:", JSON.stringify(counts));
    expect(counts.lost ?? 0).toBe(0);
    expect(counts.spurious ?? 0).toBe(0);
    // "late": the committer ran past the wait's bound (a loaded machine), not a lost wake-up.
    expect((counts.ready ?? 0) + (counts.woken ?? 0) + (counts.late ?? 0)).toBe(500);
    expect(counts.woken ?? 0).toBeGreaterThan(0); // the wait path was exercised, not only the check
  }, 120_000);

  it("the broken order (check, yield, subscribe) loses wake-ups, so the test can fail", async () => {
    const counts = await runRace(100, true, 100);
    console.log("broken order:", JSON.stringify(counts));
    expect(counts.lost ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
