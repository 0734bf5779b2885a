import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { anyString, stringContaining } from "../helpers/matchers.js";
import { cleanupWorktrees } from "../../src/service/mimo-cleanup.js";
import { detachMimoGate } from "../../src/mimo/launch-gate.js";
import { captureIdentity } from "../../src/process/identity.js";
import {
  launchPackage,
  materialiseLaunch,
  prepareLaunch,
  startGated,
  type Made,
} from "../../src/service/mimo-launch.js";
import { recoverPreparedSession } from "../../src/service/mimo-sessions.js";
import { commitAll, git, writeFile } from "../helpers/git-repo.js";
import {
  addAgent,
  FAKE_MIMO,
  insertPackage,
  makeWorld,
  tellExit,
  waitForRecord,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

async function setup() {
  const w = await makeWorld();
  worlds.push(w);
  addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
  const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
  return { w, pkg };
}

interface Row {
  lifecycle_state: string;
  workspace_path: string | null;
  briefing_path: string | null;
  pid: number | null;
  worktree_removed_at: string | null;
  failure_reason: string | null;
}

const row = (w: World, id: number) => w.db.prepare("SELECT * FROM mimo_sessions WHERE id = ?").get(id) as Row;

/**
 * The launch's own steps up to and including the Mimo spawn, then nothing: what a server that
 * died before record() leaves behind (the PREPARED row with the gate recorded, the worktree, the
 * briefing, a live Mimo under its gate).
 */
async function crashAfterSpawn(w: World, pkg: number) {
  const plan = prepareLaunch(w.glm, { work_package_id: pkg, mode: "tui" });
  const made: Made = { worktree: null, briefing: null };
  const workspace = await materialiseLaunch(w.glm, plan, made);
  const { gate, pid } = await startGated(w.glm, plan, {
    argv: [FAKE_MIMO],
    workspace,
    env: w.runtime.env,
    mode: "tui",
  });
  detachMimoGate(gate);
  await waitForRecord(w.records, pid);
  const gateGone = new Promise<void>((resolve) => {
    if (gate.child.exitCode !== null || gate.child.signalCode !== null) resolve();
    else gate.child.once("exit", () => resolve());
  });
  return { id: plan.session.id, workspace, briefing: plan.paths.briefing, pid, gatePid: gate.pid, gateGone };
}

const worktrees = (w: World) => git(w.repo, "worktree", "list", "--porcelain");

describe("a launch that crashed before record() (PREPARED with work on disk)", () => {
  test("the PREPARED row names the worktree and briefing before either exists", async () => {
    const { w, pkg } = await setup();
    const plan = prepareLaunch(w.glm, { work_package_id: pkg, mode: "headless" });
    const r = w.db.prepare("SELECT * FROM mimo_sessions WHERE id = ?").get(plan.session.id);
    expect(r).toMatchObject({
      lifecycle_state: "PREPARED",
      workspace_path: plan.paths.workspace,
      briefing_path: plan.paths.briefing,
      stdout_path: plan.paths.stdout,
      stderr_path: plan.paths.stderr,
      pid: null,
    });
    expect(fs.existsSync(plan.paths.workspace)).toBe(false);
    expect(fs.existsSync(plan.paths.briefing)).toBe(false);
    // Nothing on disk yet: no launch evidence, recovery ends it.
    const recovered = await recoverPreparedSession(w.glm, plan.session.id, "server died before git ran");
    expect(recovered).toMatchObject({
      lifecycle_state: "FAILED",
      failure_reason: "server died before git ran",
    });
  });

  test("clean worktree: cleanup reports it; recovery ends the session and removes worktree and briefing", async () => {
    const { w, pkg } = await setup();
    const crash = await crashAfterSpawn(w, pkg);
    expect(row(w, crash.id)).toMatchObject({ lifecycle_state: "PREPARED", workspace_path: crash.workspace });

    const cleanup = await cleanupWorktrees(w.glm, { project_id: w.projectId, older_than_hours: 0 });
    expect(cleanup.removed).toEqual([]);
    expect(cleanup.kept).toEqual([
      {
        session_id: crash.id,
        workspace_path: crash.workspace,
        reason: stringContaining("still PREPARED"),
      },
    ]);
    expect(fs.existsSync(crash.workspace)).toBe(true);
    // The dispatch lock still holds while the session is PREPARED.
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" })).rejects.toThrow(
      `Work package already has an active Mimo session: ${crash.id}`,
    );

    // Mimo runs: its gate is the recorded process, so recovery refuses and the worktree stays.
    expect(row(w, crash.id).pid).toBe(crash.gatePid);
    await expect(recoverPreparedSession(w.glm, crash.id, "server crashed during the launch")).rejects.toThrow(
      `Prepared Mimo recovery refused: process ${crash.gatePid} recorded for Mimo session ${crash.id} (its launch gate, which lives as long as the Mimo it started) is still running.`,
    );
    expect(fs.existsSync(crash.workspace)).toBe(true);
    tellExit(w.records, crash.pid);
    await crash.gateGone;

    const recovered = await recoverPreparedSession(w.glm, crash.id, "server crashed during the launch");
    expect(recovered).toMatchObject({
      lifecycle_state: "FAILED",
      failure_reason: "server crashed during the launch",
      worktree_removed_at: anyString(),
    });
    expect(fs.existsSync(crash.workspace)).toBe(false);
    expect(fs.existsSync(crash.briefing)).toBe(false);
    expect(worktrees(w)).not.toContain(crash.workspace);
    const next = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    expect(next.lifecycle_state).toBe("TUI_DETACHED");
    tellExit(w.records, next.pid!);
  });

  test.each([
    [
      "an uncommitted change",
      (ws: string) => writeFile(ws, "src/app.ts", "export const x = 2;\n"),
      /uncommitted/,
    ],
    [
      "a commit no submission holds",
      (ws: string) => {
        writeFile(ws, "src/app.ts", "export const x = 2;\n");
        commitAll(ws, "worker work");
      },
      /1 commit\(s\) not reachable/,
    ],
  ])("a worktree with %s is refused and kept", async (_name, work, detail) => {
    const { w, pkg } = await setup();
    const crash = await crashAfterSpawn(w, pkg);
    work(crash.workspace);
    // The worker is gone (its gate with it); what it left in the worktree is still evidence.
    tellExit(w.records, crash.pid);
    await crash.gateGone;
    const attempt = recoverPreparedSession(w.glm, crash.id, "server crashed");
    await expect(attempt).rejects.toThrow(
      /requires a session with no launch evidence: the worktree .* holds work/,
    );
    await expect(recoverPreparedSession(w.glm, crash.id, "server crashed")).rejects.toThrow(detail);
    expect(row(w, crash.id)).toMatchObject({ lifecycle_state: "PREPARED", worktree_removed_at: null });
    expect(fs.existsSync(path.join(crash.workspace, "src", "app.ts"))).toBe(true);
    expect(fs.readFileSync(path.join(crash.workspace, "src", "app.ts"), "utf8")).toBe(
      "export const x = 2;\n",
    );
    expect(fs.existsSync(crash.briefing)).toBe(true);
    const cleanup = await cleanupWorktrees(w.glm, { project_id: w.projectId, older_than_hours: 0 });
    expect(cleanup.kept.map((k) => k.session_id)).toEqual([crash.id]);
    expect(fs.existsSync(crash.workspace)).toBe(true);
  });

  test("a recorded process refuses while it is alive or its liveness is UNKNOWN; a briefing alone is removed with the recovery", async () => {
    const { w, pkg } = await setup();
    const plan = prepareLaunch(w.glm, { work_package_id: pkg, mode: "tui" });
    const me = await captureIdentity(process.pid);
    const setProcess = (pid: number | null, start: string | null) =>
      w.db
        .prepare("UPDATE mimo_sessions SET pid = ?, process_started_at_os = ? WHERE id = ?")
        .run(pid, start, plan.session.id);
    setProcess(process.pid, me.os_start_time);
    await expect(recoverPreparedSession(w.glm, plan.session.id, "obs")).rejects.toThrow(
      `process ${process.pid} recorded for Mimo session ${plan.session.id} (its launch gate, which lives as long as the Mimo it started) is still running`,
    );
    setProcess(process.pid, null);
    await expect(recoverPreparedSession(w.glm, plan.session.id, "obs")).rejects.toThrow(
      "may still be running (liveness UNKNOWN)",
    );
    expect(row(w, plan.session.id).lifecycle_state).toBe("PREPARED");
    // A recorded process that is gone (here a pid that names nothing) no longer holds the session.
    setProcess(0x3ffffff0, me.os_start_time);
    fs.mkdirSync(path.dirname(plan.paths.briefing), { recursive: true });
    fs.writeFileSync(plan.paths.briefing, "briefing");
    const recovered = await recoverPreparedSession(w.glm, plan.session.id, "died after the briefing");
    expect(recovered.lifecycle_state).toBe("FAILED");
    expect(fs.existsSync(plan.paths.briefing)).toBe(false);
  });

  test("a failed session whose worktree could not be undone is found by cleanup", async () => {
    const { w, pkg } = await setup();
    const crash = await crashAfterSpawn(w, pkg);
    tellExit(w.records, crash.pid);
    // As if an administrator ended it without touching the disk.
    w.db
      .prepare("UPDATE mimo_sessions SET lifecycle_state = 'CANCELLED', ended_at = ? WHERE id = ?")
      .run(new Date().toISOString(), crash.id);
    const cleanup = await cleanupWorktrees(w.glm, { project_id: w.projectId, older_than_hours: 0 });
    expect(cleanup.removed).toEqual([{ session_id: crash.id, workspace_path: crash.workspace }]);
    expect(fs.existsSync(crash.workspace)).toBe(false);
  });
});
