import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { launchPackage } from "../../src/service/mimo-launch.js";
import { recoverPreparedSession } from "../../src/service/mimo-sessions.js";
import {
  addAgent,
  FAKE_MIMO,
  insertPackage,
  makeWorld,
  tellExit,
  type MimoRecord,
  type World,
} from "../helpers/fake-mimo-world.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

const LAUNCHER = path.join(REPO_ROOT, "dist", "test", "helpers", "mimo-launcher.js");
const TRIALS = 24;

const worlds: World[] = [];
afterAll(() => {
  for (const w of worlds.splice(0)) w.close();
});

/** Running and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false;
  }
}

/** Children of `pid` that are not git: the launch gate, or Mimo itself in a flow without one. */
function launchChildren(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const c of text ? text.split(" ").map(Number) : []) {
        const comm = fs.readFileSync(`/proc/${c}/comm`, "utf8").trim();
        if (comm !== "git") out.push(c);
      }
    }
  } catch {
    // the launcher or the child is gone
  }
  return out;
}

/** Fake Mimos of this package that still run (their cwd is a worktree of the package). */
function liveMimos(w: World, pkg: number): MimoRecord[] {
  return fs
    .readdirSync(w.records)
    .filter((f) => /^mimo-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(w.records, f), "utf8")) as MimoRecord)
    .filter((r) => r.cwd.split(path.sep).includes(`package-${pkg}`) && alive(r.pid));
}

/**
 * Starts a launcher and SIGKILLs it `delayMs` after its first non-git child appears (the
 * worst moment is 0: the process that will become Mimo exists, nothing is recorded yet).
 */
async function launchAndKill(w: World, pkg: number, delayMs: number): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    [LAUNCHER, w.dataDir, String(pkg), FAKE_MIMO, w.records],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 20_000;
  while (child.exitCode === null && launchChildren(child.pid!).length === 0 && Date.now() < deadline) {
    await new Promise((r) => setImmediate(r));
  }
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  child.kill("SIGKILL");
  await exited;
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

test(
  "a GLM server SIGKILLed at any moment of a launch never leads to a second Mimo for the package",
  { timeout: 240_000 },
  async () => {
    const w = await makeWorld();
    worlds.push(w);
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    let liveAfterKill = 0;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
      // Half the trials at the worst moment; the rest step through the launch (0–1,100 ms after the
      // gate appears) so that on a fast or a loaded machine alike some kills land after Mimo started.
      const delay = trial % 2 === 0 ? 0 : Math.floor(trial / 2) * 100;
      await launchAndKill(w, pkg, delay);
      // A Mimo the dead launcher started needs a moment to start and write its record.
      await settle(400);
      const before = liveMimos(w, pkg);
      expect(before.length).toBeLessThanOrEqual(1);
      const row = w.db
        .prepare("SELECT id, lifecycle_state FROM mimo_sessions WHERE work_package_id = ? ORDER BY id DESC")
        .get(pkg) as { id: number; lifecycle_state: string };
      let recovered = false;
      if (row.lifecycle_state === "PREPARED") {
        recovered = await recoverPreparedSession(w.glm, row.id, "the GLM server was killed").then(
          () => true,
          () => false,
        );
      }
      const relaunched = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" }).then(
        (s) => s,
        () => null,
      );
      await settle(relaunched ? 300 : 0);
      const after = liveMimos(w, pkg);
      const detail = `trial ${trial} (delay ${delay} ms): session ${row.id} was ${row.lifecycle_state}`;
      expect(after.length, detail).toBeLessThanOrEqual(1);
      if (before.length > 0) {
        liveAfterKill += 1;
        expect(recovered, detail).toBe(false);
        expect(relaunched, detail).toBeNull();
        expect(fs.existsSync(before[0]!.cwd), detail).toBe(true);
      }
      for (const r of [...before, ...after]) tellExit(w.records, r.pid);
    }
    // The kills must have hit launches that had started Mimo, or the test proved nothing.
    expect(liveAfterKill).toBeGreaterThan(0);
  },
);
