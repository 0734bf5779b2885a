/** Aborting a wait in a real child process: quick, leaves no registry entry, lets the process exit. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registryEntries, spawnChild, type Child } from "../helpers/signal-procs.js";

let children: Child[] = [];
let dirs: string[] = [];

afterEach(() => {
  for (const c of children) c.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  children = [];
  dirs = [];
});

describe("signal abort (cross-process)", () => {
  it("a cancelled wait returns within 50 ms, leaves no entry after close, and the process exits", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-signal-abort-"));
    dirs.push(dataDir);
    const child = spawnChild(["abort", dataDir, "runs"]);
    children.push(child);
    const armed = await child.next((m) => m.armed === true);
    expect(armed.entries).toBe(1);
    child.send({ abort: true });
    const r = await child.next((m) => "outcome" in m);
    expect(r.outcome).toBe("aborted");
    expect(r.abortMs as number).toBeLessThan(50);
    expect(r.entriesAfterClose).toBe(0);
    // The wait was for 30 s: exiting now proves no timer, socket or native call holds the loop.
    const exit = await Promise.race([
      child.exited,
      new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 3_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Number(fs.readFileSync(path.join(dataDir, "abort-exit-ms"), "utf8"))).toBeLessThan(1_000);
    expect(registryEntries(dataDir, "runs")).toHaveLength(0);
  }, 30_000);
});
