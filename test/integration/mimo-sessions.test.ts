import { afterEach, describe, expect, test } from "vitest";
import { captureIdentity } from "../../src/process/identity.js";
import { launchPackage } from "../../src/service/mimo-launch.js";
import {
  cancelSession,
  getSession,
  pollSession,
  recordTuiClosed,
  recoverOrphanedRunningSession,
  recoverPreparedSession,
} from "../../src/service/mimo-sessions.js";
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

async function setup(model = "xiaomi/mimo-v2.5") {
  const w = await makeWorld();
  worlds.push(w);
  addAgent(w, "junior", "worker_junior", { mimo_model: model });
  const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
  return { w, pkg };
}

/** Signal 0 probes the pid: ESRCH means no such process (a reaped child). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

function handSession(w: World, pkg: number, fields: Record<string, unknown>): number {
  const row = {
    project_id: w.projectId,
    task_id: w.taskId,
    work_package_id: pkg,
    requested_by_agent: "glm-1",
    assigned_agent: "junior",
    assigned_role: "worker_junior",
    mode: "headless",
    lifecycle_state: "PREPARED",
    created_at: new Date().toISOString(),
    ...fields,
  };
  const keys = Object.keys(row);
  return Number(
    w.db
      .prepare(
        `INSERT INTO mimo_sessions (${keys.join(", ")}) VALUES (${keys.map((k) => `@${k}`).join(", ")})`,
      )
      .run(row).lastInsertRowid,
  );
}

function auditTypes(w: World, id: number): string[] {
  return (
    w.db
      .prepare(
        "SELECT event_type FROM audit_log WHERE target_type = 'mimo_session' AND target_id = ? ORDER BY id",
      )
      .all(id) as { event_type: string }[]
  ).map((r) => r.event_type);
}

describe("Mimo session tools", () => {
  test("TUI: cancel is refused, record_tui_closed → EXITED, lock released, package untouched", async () => {
    const { w, pkg } = await setup();
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    await expect(cancelSession(w.glm, s.id)).rejects.toThrow(
      `Only a running headless Mimo session can be cancelled by the service (Mimo session ${s.id} is tui TUI_DETACHED); ` +
        "it needs mode headless and lifecycle_state RUNNING",
    );
    expect(pollSession(w.glm, s.id).lifecycle_state).toBe("TUI_DETACHED");
    expect(() => recordTuiClosed(w.glm, s.id, "   ")).toThrow(/non-empty observation/);
    const before = w.db.prepare("SELECT * FROM work_packages WHERE id = ?").get(pkg);
    const closed = recordTuiClosed(w.glm, s.id, "user closed the window");
    expect(closed).toMatchObject({ lifecycle_state: "EXITED", dispatch_lock_released: true });
    expect(closed.ended_at).toBeTruthy();
    expect(w.db.prepare("SELECT * FROM work_packages WHERE id = ?").get(pkg)).toEqual(before);
    expect(() => recordTuiClosed(w.glm, s.id, "again")).toThrow(
      `Only a detached TUI Mimo session may be marked closed (Mimo session ${s.id} is tui EXITED); ` +
        "it needs lifecycle_state TUI_DETACHED",
    );
    expect(auditTypes(w, s.id)).toContain("mimo.tui_session_closed_observed");
    tellExit(w.records, s.pid!);
  });

  test("headless (service only): argv with run/--dir/--file, poll → EXITED 0", async () => {
    const { w, pkg } = await setup();
    const runtime = { ...w.runtime, env: { ...w.runtime.env, FAKE_MIMO_EXIT_CODE: "0" } };
    const s = await launchPackage(w.glm, runtime, { work_package_id: pkg, mode: "headless" });
    expect(s.lifecycle_state).toBe("RUNNING");
    expect(s.stdout_path).toMatch(/logs\/mimo\/session-\d+\.stdout\.log$/);
    const rec = await waitForRecord(w.records, s.pid!);
    expect(rec.argv.slice(0, 10)).toEqual([
      "run",
      "--agent",
      "build",
      "--model",
      "xiaomi/mimo-v2.5",
      "--dir",
      s.workspace_path,
      "--file",
      s.briefing_path,
      "--title",
    ]);
    expect(rec.argv).not.toContain("--trust");
    let polled = pollSession(w.glm, s.id);
    for (let i = 0; i < 200 && polled.lifecycle_state === "RUNNING"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      polled = pollSession(w.glm, s.id);
    }
    expect(polled).toMatchObject({ lifecycle_state: "EXITED", exit_code: 0 });
    expect(auditTypes(w, s.id)).toContain("mimo.session_exited");
  });

  test("headless free auto is refused as the free TUI backend", async () => {
    const { w, pkg } = await setup("mimo-auto-junior");
    await expect(launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "headless" })).rejects.toThrow(
      /free TUI backend/,
    );
    expect(w.db.prepare("SELECT lifecycle_state FROM mimo_sessions").all()).toEqual([
      { lifecycle_state: "FAILED" },
    ]);
  });

  test("headless cancel terminates the owned child → CANCELLED", async () => {
    const { w, pkg } = await setup();
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "headless" });
    await waitForRecord(w.records, s.pid!);
    const pid = s.pid!;
    expect(alive(pid)).toBe(true);
    try {
      const cancelled = await cancelSession(w.glm, s.id);
      expect(cancelled.lifecycle_state).toBe("CANCELLED");
      expect(auditTypes(w, s.id)).toContain("mimo.session_cancelled");
      // The answer comes after the exit was seen: the child is gone by then, not merely signalled.
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  test("a headless session this process does not own cannot be cancelled", async () => {
    const { w, pkg } = await setup();
    const id = handSession(w, pkg, { lifecycle_state: "RUNNING", pid: 999_999 });
    await expect(cancelSession(w.glm, id)).rejects.toThrow(
      "Mimo session is not a service-owned active headless process",
    );
  });

  test("recover a PREPARED session without evidence; refuse one with evidence or in another state", async () => {
    const { w, pkg } = await setup();
    const bare = handSession(w, pkg, {});
    await expect(recoverPreparedSession(w.glm, bare, " ")).rejects.toThrow(/non-empty observation/);
    const done = await recoverPreparedSession(w.glm, bare, "server crashed before the worktree");
    expect(done).toMatchObject({
      lifecycle_state: "FAILED",
      failure_reason: "server crashed before the worktree",
    });
    expect(auditTypes(w, bare)).toEqual(["mimo.prepared_session_recovered"]);
    // Paths on the row are where the launch would write; only what exists on disk is evidence.
    const planned = handSession(w, pkg, {
      workspace_path: "/no/such/worktree",
      briefing_path: "/no/such.md",
    });
    expect((await recoverPreparedSession(w.glm, planned, "obs")).lifecycle_state).toBe("FAILED");
    // A recorded process whose start time was never known may be alive: refused.
    const withEvidence = handSession(w, pkg, { pid: process.pid });
    await expect(recoverPreparedSession(w.glm, withEvidence, "obs")).rejects.toThrow(
      `Prepared Mimo recovery refused: process ${process.pid} recorded for Mimo session ${withEvidence}`,
    );
    await expect(recoverPreparedSession(w.glm, bare, "obs")).rejects.toThrow(
      "Only a prepared Mimo session may be recovered",
    );
  });

  test("recover an orphaned RUNNING headless session only when its process is provably gone", async () => {
    const { w, pkg } = await setup();
    const gone = handSession(w, pkg, {
      lifecycle_state: "RUNNING",
      pid: 999_999,
      process_started_at_os: "1@x",
    });
    const done = await recoverOrphanedRunningSession(w.glm, gone, "no such process");
    expect(done).toMatchObject({ lifecycle_state: "FAILED", failure_reason: "no such process" });
    expect(auditTypes(w, gone)).toEqual(["mimo.running_session_recovered"]);
    const me = await captureIdentity(process.pid);
    const alive = handSession(w, pkg, {
      lifecycle_state: "RUNNING",
      pid: process.pid,
      process_started_at_os: me.os_start_time,
    });
    await expect(recoverOrphanedRunningSession(w.glm, alive, "obs")).rejects.toThrow(
      "Running Mimo recovery requires an observed absent process",
    );
    const unknown = handSession(w, pkg, {
      lifecycle_state: "RUNNING",
      pid: process.pid,
      process_started_at_os: "UNKNOWN",
    });
    await expect(recoverOrphanedRunningSession(w.glm, unknown, "obs")).rejects.toThrow(
      "Running Mimo recovery cannot proceed while process liveness is UNKNOWN",
    );
    const noPid = handSession(w, pkg, { lifecycle_state: "RUNNING" });
    await expect(recoverOrphanedRunningSession(w.glm, noPid, "obs")).rejects.toThrow(
      "Running Mimo recovery requires a persisted process ID",
    );
    const tui = handSession(w, pkg, { lifecycle_state: "TUI_DETACHED", mode: "tui", pid: 999_999 });
    await expect(recoverOrphanedRunningSession(w.glm, tui, "obs")).rejects.toThrow(
      "Only a running headless Mimo session may be recovered",
    );
  });

  test("get_session: workers read only their own sessions; command is the decoded argv", async () => {
    const { w, pkg } = await setup();
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    const mine = getSession(w.ctxAs("junior", "worker_junior"), s.id);
    expect(mine.command?.[0]).toBe(FAKE_MIMO);
    expect(() => getSession(w.ctxAs("other", "worker_junior"), s.id)).toThrow(/^ACTOR_ROLE_NOT_GRANTED: /);
    addAgent(w, "other", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    expect(() => getSession(w.ctxAs("other", "worker_junior"), s.id)).toThrow(/not authorized/);
    expect(getSession(w.codex, s.id).id).toBe(s.id);
    tellExit(w.records, s.pid!);
  });
});
