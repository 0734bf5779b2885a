/** Single-process contract of NamedSignal: latched wakes, repeated waits, abort, close, validation. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openNamedSignal, type NamedSignal } from "../../src/signal/named-signal.js";
import { registryEntries } from "../helpers/signal-procs.js";

let dataDir: string;
let signal: NamedSignal;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-signal-sem-"));
  signal = openNamedSignal(dataDir);
});

afterEach(() => {
  signal.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("NamedSignal contract", () => {
  it("subscribe registers the entry synchronously and close removes it", () => {
    const w = signal.subscribe("package-1");
    expect(registryEntries(dataDir, "package-1")).toHaveLength(1);
    w.close();
    w.close(); // idempotent
    expect(registryEntries(dataDir, "package-1")).toHaveLength(0);
  });

  it("a wake delivered before wait() makes the next wait return signaled at once, even with 0 ms", async () => {
    const w = signal.subscribe("package-1");
    expect(signal.notify("package-1")).toBe(1);
    expect(await w.wait(0)).toBe("signaled");
    expect(await w.wait(0)).toBe("timeout"); // consumed
  });

  it("several notifies before a wait collapse into one pending wake", async () => {
    const w = signal.subscribe("runs");
    for (let i = 0; i < 5; i += 1) signal.notify("runs");
    expect(await w.wait(1000)).toBe("signaled");
    expect(await w.wait(30)).toBe("timeout");
  });

  it("a waiter can be waited on repeatedly in a loop", async () => {
    const w = signal.subscribe("task-3");
    for (let i = 0; i < 5; i += 1) {
      setTimeout(() => signal.notify("task-3"), 5);
      expect(await w.wait(2000)).toBe("signaled");
    }
    const t0 = performance.now();
    expect(await w.wait(50)).toBe("timeout");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it("abort returns quickly and does not consume a pending wake", async () => {
    const w = signal.subscribe("package-2");
    const ac = new AbortController();
    const p = w.wait(10_000, ac.signal);
    const t0 = performance.now();
    ac.abort();
    expect(await p).toBe("aborted");
    expect(performance.now() - t0).toBeLessThan(50);
    signal.notify("package-2");
    expect(await w.wait(0, AbortSignal.abort())).toBe("aborted");
    expect(await w.wait(0)).toBe("signaled");
  });

  it("close during a wait resolves it as aborted; waiting on a closed waiter throws", async () => {
    const w = signal.subscribe("package-3");
    const p = w.wait(10_000);
    w.close();
    expect(await p).toBe("aborted");
    await expect(w.wait(10)).rejects.toThrow(/closed/);
  });

  it("refuses a second concurrent wait on the same waiter", async () => {
    const w = signal.subscribe("package-4");
    const p = w.wait(1000);
    await expect(w.wait(10)).rejects.toThrow(/in progress/);
    signal.notify("package-4");
    expect(await p).toBe("signaled");
  });

  it("notify only reaches its own channel and returns 0 for an unknown one", async () => {
    const a = signal.subscribe("package-5");
    signal.subscribe("package-6");
    expect(signal.notify("package-6")).toBe(1);
    expect(signal.notify("never-used")).toBe(0);
    expect(await a.wait(20)).toBe("timeout");
  });

  it("an entry notify cannot use does not stop it from waking the others", async () => {
    const w = signal.subscribe("package-8");
    fs.mkdirSync(path.join(dataDir, "signals", "package-8", "0-junk.fifo"));
    fs.mkdirSync(path.join(dataDir, "signals", "package-8", "0-junk.evt"));
    expect(signal.notify("package-8")).toBe(1);
    expect(await w.wait(0)).toBe("signaled");
  });

  it("NamedSignal.close closes every waiter it created", () => {
    signal.subscribe("package-7");
    signal.subscribe("package-7");
    expect(registryEntries(dataDir, "package-7")).toHaveLength(2);
    signal.close();
    expect(registryEntries(dataDir, "package-7")).toHaveLength(0);
  });

  it.each(["", ".", "..", "a/b", "a\\b", "../x", "x..y", "-lead", "a b", "x".repeat(129)])(
    "rejects channel name %j",
    (bad) => {
      expect(() => signal.subscribe(bad)).toThrow(TypeError);
      expect(() => signal.notify(bad)).toThrow(TypeError);
    },
  );
});
