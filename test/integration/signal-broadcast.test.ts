/** Broadcast to waiters in separate processes, and cleanup of a SIGKILLed waiter's stale entry. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openNamedSignal } from "../../src/signal/named-signal.js";
import { registryEntries, spawnChild, type Child } from "../helpers/signal-procs.js";

let children: Child[] = [];
let dirs: string[] = [];

afterEach(() => {
  for (const c of children) c.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  children = [];
  dirs = [];
});

function tempDataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "grace-signal-bc-"));
  dirs.push(d);
  return d;
}

async function spawnWaiters(dataDir: string, channel: string, n: number): Promise<Child[]> {
  const ws = Array.from({ length: n }, () => spawnChild(["waiter", dataDir, channel, "10000"]));
  children.push(...ws);
  await Promise.all(ws.map((w) => w.next((m) => m.armed === true)));
  return ws;
}

describe("signal broadcast (cross-process)", () => {
  it("one notify wakes all 8 waiters in 8 processes", async () => {
    const dataDir = tempDataDir();
    const ws = await spawnWaiters(dataDir, "package-12", 8);
    expect(registryEntries(dataDir, "package-12")).toHaveLength(8);
    const signal = openNamedSignal(dataDir);
    expect(signal.notify("package-12")).toBe(8);
    const results = await Promise.all(ws.map((w) => w.next((m) => "outcome" in m, 5_000)));
    expect(results.map((r) => r.outcome)).toEqual(Array(8).fill("signaled"));
    await Promise.all(ws.map((w) => w.exited));
    expect(registryEntries(dataDir, "package-12")).toHaveLength(0);
    // Other channels are untouched by a notify.
    expect(signal.notify("package-13")).toBe(0);
  }, 60_000);

  it("a SIGKILLed waiter leaves a stale entry that the next notify removes, still waking the others", async () => {
    const dataDir = tempDataDir();
    const [victim, ...others] = await spawnWaiters(dataDir, "task-3", 3);
    victim!.kill();
    expect((await victim!.exited).signal).toBe("SIGKILL");
    expect(registryEntries(dataDir, "task-3")).toHaveLength(3); // the dead waiter's entry stays behind
    const signal = openNamedSignal(dataDir);
    expect(signal.notify("task-3")).toBe(2);
    const results = await Promise.all(others.map((w) => w.next((m) => "outcome" in m, 5_000)));
    expect(results.map((r) => r.outcome)).toEqual(["signaled", "signaled"]);
    await Promise.all(others.map((w) => w.exited));
    expect(registryEntries(dataDir, "task-3")).toHaveLength(0);
  }, 60_000);
});
