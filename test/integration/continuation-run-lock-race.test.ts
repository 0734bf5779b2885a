import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test, vi } from "vitest";
import { lockDirName } from "../../src/continuation/ids.js";
import { hostPaths, type HostPaths } from "../../src/continuation/paths.js";
import {
  acquireRunLock,
  releaseRunLock,
  type HeldLock,
  type LockResult,
} from "../../src/continuation/run-lock.js";
import { NOBODY, unreachableForNobody } from "../helpers/unprivileged.js";
import { sleep, tempDir } from "./continuation-fixture.js";
import { NO_RETRY } from "../helpers/no-retry.js";

const RUN = "project-1/task-2/package-3";
const DEAD_PID = 999_999_001;
afterEach(() => vi.restoreAllMocks());

type Probe = Parameters<typeof acquireRunLock>[2];
const deadOnlyStale: Probe = (id) => Promise.resolve(id.pid === DEAD_PID ? "NOT_FOUND_OR_REUSED" : "MATCH");

function acquire(paths: HostPaths, pid: number, probe: Probe = deadOnlyStale): Promise<LockResult> {
  const nowIso = new Date().toISOString();
  return acquireRunLock(
    paths,
    { runId: RUN, eventIndex: null, eventType: null, owner: { pid, startedAtOs: "t" }, nowIso },
    probe,
    Date.now(),
  );
}

/** A lock left behind by a supervisor that died. */
async function staleLock(paths: HostPaths): Promise<void> {
  const made = await acquire(paths, DEAD_PID);
  expect(made.status).toBe("acquired");
}

describe("run lock reclaim", NO_RETRY, () => {
  /**
   * B reads the dead owner, then stalls in its liveness probe while A reclaims and acquires.
   * `inWindow` runs right after B's first move on the lock (a rename of the lock directory or of
   * anything in it), whether that move succeeded or not: the moment a late reclaimer could have
   * taken A's live lock apart. The returned `fired` says the window was reached.
   */
  async function lateReclaimer(
    inWindow: (paths: HostPaths, a: HeldLock) => void,
  ): Promise<{ paths: HostPaths; dir: string; a: HeldLock; b: LockResult; fired: boolean }> {
    const paths = hostPaths(tempDir("lock"));
    const dir = path.join(paths.locksDir, lockDirName(RUN));
    await staleLock(paths);
    let resumeB!: () => void;
    const bProbe: Probe = async (id) => {
      await new Promise<void>((r) => (resumeB = r));
      return deadOnlyStale(id);
    };
    const pending = acquire(paths, 200, bProbe);
    const a = await acquire(paths, 100);
    if (a.status !== "acquired") throw new Error("A should have reclaimed the dead lock");
    const realRename = fs.renameSync;
    let fired = false;
    const onTheLock = (p: fs.PathLike) => String(p) === dir || String(p).startsWith(dir + path.sep);
    vi.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      try {
        realRename(from, to);
      } finally {
        // Only B is moving now: A holds the lock and the callback's own moves come after `fired`.
        if (onTheLock(from) && !fired) {
          fired = true;
          inWindow(paths, a.lock);
        }
      }
    });
    resumeB();
    const b = await pending;
    vi.restoreAllMocks();
    return { paths, dir, a: a.lock, b, fired };
  }

  test("a late reclaimer never leaves a released lock behind (it would block the run until a restart)", async () => {
    const { paths, dir, b, fired } = await lateReclaimer((p, held) => {
      expect(releaseRunLock(p, held)).toBe("removed");
    });
    expect(fired).toBe(true);
    expect(b.status).toBe("busy");
    expect(fs.existsSync(dir)).toBe(false);
    expect((await acquire(paths, 400)).status).toBe("acquired");
  });

  test("a late reclaimer never opens a window in which a third supervisor gets the lock A holds", async () => {
    let third: Promise<LockResult> | null = null;
    const { b, fired, a } = await lateReclaimer((p) => {
      // acquireRunLock creates its directory before its first await: C's try happens in the window.
      third = acquire(p, 300);
    });
    expect(fired).toBe(true);
    expect(b.status).toBe("busy");
    const c = await (third as unknown as Promise<LockResult>);
    expect(c.status).toBe("busy");
    expect(c.status === "busy" && c.owner?.token).toBe(a.owner.token);
  });

  test("many reclaimers racing over dead locks: never two holders, and nothing left behind", async () => {
    const paths = hostPaths(tempDir("lock"));
    const dir = path.join(paths.locksDir, lockDirName(RUN));
    let holders = 0;
    let maxHolders = 0;
    let acquired = 0;
    // Random stalls in the probe interleave every reclaimer's look with the others' moves.
    const jittery: Probe = async (id) => {
      await sleep(Math.random() * 4);
      return deadOnlyStale(id);
    };
    for (let round = 0; round < 40; round += 1) {
      await staleLock(paths);
      await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          await sleep(Math.random() * 3);
          const r = await acquire(paths, 1_000 + i, jittery);
          if (r.status !== "acquired") return;
          acquired += 1;
          holders += 1;
          maxHolders = Math.max(maxHolders, holders);
          await sleep(Math.random() * 3);
          holders -= 1;
          releaseRunLock(paths, r.lock);
        }),
      );
      expect(fs.existsSync(dir)).toBe(false);
    }
    expect(maxHolders).toBe(1);
    expect(acquired).toBeGreaterThanOrEqual(40);
    expect(fs.readdirSync(paths.locksDir)).toEqual([]);
  });

  test("an abandoned lock without a token (the predecessor's, or an older version's) is reclaimed by exactly one", async () => {
    const paths = hostPaths(tempDir("lock"));
    const dir = path.join(paths.locksDir, lockDirName(RUN));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "owner.json"), JSON.stringify({ pid: DEAD_PID }));
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(dir, old, old);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => acquire(paths, 500 + i)));
    expect(results.filter((r) => r.status === "acquired")).toHaveLength(1);
    const winner = results.find((r) => r.status === "acquired")!;
    expect(winner.status === "acquired" && winner.reclaimed?.liveness).toBe("ORPHANED");
    if (winner.status === "acquired") releaseRunLock(paths, winner.lock);
    expect(fs.readdirSync(paths.locksDir)).toEqual([]);
  });
});

/** The run's next event takes a lock released in place without reclaiming it, then removes it. */
async function nextEventTakesTheReleasedLock(paths: HostPaths): Promise<void> {
  const next = await acquire(paths, 200);
  expect(next.status).toBe("acquired");
  if (next.status === "acquired") {
    expect(next.reclaimed).toBeNull();
    expect(releaseRunLock(paths, next.lock)).toBe("removed");
  }
  expect(fs.readdirSync(paths.locksDir)).toEqual([]);
}

describe("run lock release when the OS refuses to move the directory (Windows, while another process has it open)", () => {
  /** Makes every rename of `dir` itself fail as Windows does; renames of files inside still work. */
  function refuseDirRename(dir: string): { calls: () => number; lift: () => void } {
    const realRename = fs.renameSync;
    let refused = 0;
    let on = true;
    vi.spyOn(fs, "renameSync").mockImplementation((from, to) => {
      if (on && String(from) === dir) {
        refused += 1;
        throw Object.assign(new Error(`EPERM: operation not permitted, rename '${String(from)}'`), {
          code: "EPERM",
        });
      }
      realRename(from, to);
    });
    return { calls: () => refused, lift: () => (on = false) };
  }

  test("release retries, then releases by token: the run's next event takes the lock without a restart", async () => {
    const paths = hostPaths(tempDir("lock"));
    const dir = path.join(paths.locksDir, lockDirName(RUN));
    const first = await acquire(paths, 100);
    if (first.status !== "acquired") throw new Error("first acquire failed");
    const fault = refuseDirRename(dir);
    expect(releaseRunLock(paths, first.lock)).toBe("released-in-place");
    expect(fault.calls()).toBeGreaterThan(1);
    // Still refused for the next acquirer: it does not take the lock, and leaves it takeable.
    expect((await acquire(paths, 200)).status).toBe("busy");
    fault.lift();
    // The releasing process (pid 100) is alive; only the release by token lets the next event in.
    await nextEventTakesTheReleasedLock(paths);
  });

  test("a lock released in place is taken by exactly one of several acquirers", async () => {
    const paths = hostPaths(tempDir("lock"));
    const dir = path.join(paths.locksDir, lockDirName(RUN));
    const first = await acquire(paths, 100);
    if (first.status !== "acquired") throw new Error("first acquire failed");
    const fault = refuseDirRename(dir);
    releaseRunLock(paths, first.lock);
    fault.lift();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => acquire(paths, 300 + i)));
    expect(results.filter((r) => r.status === "acquired")).toHaveLength(1);
  });
});

/**
 * The same release with the refusal coming from the OS itself, not a stand-in: on Linux a user may
 * not move a directory it does not own out of a sticky directory (EPERM, the code Windows gives
 * for a directory another process has open), while files inside a directory open to it still
 * move. The releasing supervisor runs as uid 65534 (the built code, in a child process); the lock
 * directory belongs to another user, in a sticky locks directory. Needs root to set that up.
 */
describe("run lock release under a real EPERM from the OS (Linux, sticky locks directory)", () => {
  const RELEASE = path.resolve(import.meta.dirname, "../../dist/src/continuation/run-lock.js");
  const asNobody =
    !process.getuid || process.getuid() !== 0
      ? "needs root (chown, setuid)"
      : unreachableForNobody(process.execPath, RELEASE);
  if (asNobody) console.warn(`run lock EPERM test skipped: ${asNobody}`);

  test.skipIf(asNobody)(
    "retried for the whole back-off, then released by token; the next event takes the lock",
    async () => {
      const root = tempDir("lock-eperm");
      const paths = hostPaths(root);
      const dir = path.join(paths.locksDir, lockDirName(RUN));
      const first = await acquire(paths, 100);
      if (first.status !== "acquired") throw new Error("first acquire failed");
      for (let d = paths.locksDir; d !== path.dirname(root); d = path.dirname(d)) fs.chmodSync(d, 0o755);
      fs.chmodSync(paths.locksDir, 0o1777);
      fs.chownSync(dir, 65533, 65533);
      fs.chmodSync(dir, 0o777);
      const program = `
        const { releaseRunLock } = await import(process.argv[1]);
        const started = performance.now();
        const outcome = releaseRunLock(JSON.parse(process.argv[2]), JSON.parse(process.argv[3]));
        console.log(JSON.stringify({ outcome, ms: performance.now() - started }));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", program, RELEASE, JSON.stringify(paths), JSON.stringify(first.lock)],
        { uid: NOBODY, gid: NOBODY },
      );
      const released = JSON.parse(stdout) as { outcome: string; ms: number };
      expect(released.outcome).toBe("released-in-place");
      // Every back-off step was waited (0 + 10 + 25 + 50 + 100 ms): the move was retried, not tried once.
      expect(released.ms).toBeGreaterThanOrEqual(180);
      expect(fs.readdirSync(dir).sort()).toEqual(["owner.json", `released-${first.lock.owner.token}`]);
      await nextEventTakesTheReleasedLock(paths);
    },
  );
});
