import { afterEach, describe, expect, test } from "vitest";
import { ConflictError } from "../../src/domain/errors.js";
import { forceReset, forceTransition } from "../../src/service/admin.js";
import { launchPackage, prepareLaunch } from "../../src/service/mimo-launch.js";
import { addAgent, insertPackage, makeWorld, tellExit, type World } from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

async function world() {
  const w = await makeWorld();
  worlds.push(w);
  return w;
}

function audits(w: World, type: string) {
  return w.db.prepare("SELECT * FROM audit_log WHERE event_type = ?").all(type) as {
    target_type: string;
    target_id: number;
    effective_role: string;
    payload_json: string;
  }[];
}

const REASON = "stuck after a crash, verified by hand";

describe("task.force_transition", () => {
  test("codex moves a task with the optimistic lock; one audited row", async () => {
    const w = await world();
    const row = forceTransition(w.codex, {
      entity_type: " Task ",
      entity_id: w.taskId,
      target_status: "GLM_TESTS_PREPARED",
      reason: REASON,
      expected_current_status: "CODEX_TASK_CREATED",
    }) as { status: string };
    expect(row.status).toBe("GLM_TESTS_PREPARED");
    const rows = audits(w, "ADMIN_RECOVERY_EXECUTED");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target_type: "task", target_id: w.taskId, effective_role: "codex" });
    expect(JSON.parse(rows[0]!.payload_json)).toEqual({
      previous_status: "CODEX_TASK_CREATED",
      target_status: "GLM_TESTS_PREPARED",
      reason: REASON,
      allow_terminal: false,
    });
  });

  test("a stale expected status is a ConflictError starting OPTIMISTIC_LOCK_MISMATCH", async () => {
    const w = await world();
    const attempt = () =>
      forceTransition(w.codex, {
        entity_type: "task",
        entity_id: w.taskId,
        target_status: "GLM_TESTS_PREPARED",
        reason: REASON,
        expected_current_status: "GLM_GRACE_PLANNED",
      });
    expect(attempt).toThrow(ConflictError);
    expect(attempt).toThrow(/^OPTIMISTIC_LOCK_MISMATCH/);
    expect(audits(w, "ADMIN_RECOVERY_EXECUTED")).toEqual([]);
  });

  test.each([
    ["worker_junior", "not authorized to perform administrative transitions"],
    ["glm", "not authorized to perform administrative transitions"],
  ] as const)("a %s caller is refused", async (role, message) => {
    const w = await world();
    expect(() =>
      forceTransition(w.ctxAs("someone", role), {
        entity_type: "task",
        entity_id: w.taskId,
        target_status: "GLM_TESTS_PREPARED",
        reason: REASON,
        expected_current_status: "CODEX_TASK_CREATED",
      }),
    ).toThrow(new RegExp(`ADMINISTRATIVE_RECOVERY_REJECTED.*${message}`));
  });

  test("reason shorter than 10 characters, unknown entity, invalid status", async () => {
    const w = await world();
    const base = {
      entity_type: "task",
      entity_id: w.taskId,
      target_status: "GLM_TESTS_PREPARED",
      reason: REASON,
      expected_current_status: "CODEX_TASK_CREATED",
    };
    expect(() => forceTransition(w.codex, { ...base, reason: "too short" })).toThrow(
      /at least 10 characters/,
    );
    expect(() => forceTransition(w.codex, { ...base, entity_type: "review" })).toThrow(
      `Unknown entity type for force transition of entity_id ${w.taskId}: review; entity_type must be one of task, work_package, workpackage`,
    );
    expect(() => forceTransition(w.codex, { ...base, target_status: "DONE" })).toThrow(
      new RegExp(
        `Invalid TaskStatus value for task ${w.taskId}: DONE; target_status must be one of PROJECT_INITIALIZED, CODEX_TASK_CREATED, .*NEXT_TASK_READY$`,
      ),
    );
    expect(audits(w, "ADMIN_RECOVERY_EXECUTED")).toEqual([]);
  });

  test("into TASK_CLOSED works; out of it only with allow_terminal", async () => {
    const w = await world();
    const go = (from: string, to: string, allow?: boolean) =>
      forceTransition(w.codex, {
        entity_type: "task",
        entity_id: w.taskId,
        target_status: to,
        reason: REASON,
        expected_current_status: from,
        allow_terminal: allow,
      }) as { status: string };
    expect(go("CODEX_TASK_CREATED", "TASK_CLOSED").status).toBe("TASK_CLOSED");
    expect(() => go("TASK_CLOSED", "GLM_TESTS_PREPARED")).toThrow(/terminal status.*allow_terminal/);
    expect(go("TASK_CLOSED", "GLM_TESTS_PREPARED", true).status).toBe("GLM_TESTS_PREPARED");
  });

  test("work packages too (workpackage / work_package)", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const row = forceTransition(w.codex, {
      entity_type: "work_package",
      entity_id: pkg,
      target_status: "GLM_ACCEPTED",
      reason: REASON,
      expected_current_status: "ASSIGNED",
    }) as { status: string };
    expect(row.status).toBe("GLM_ACCEPTED");
    expect(() =>
      forceTransition(w.codex, {
        entity_type: "workpackage",
        entity_id: pkg,
        target_status: "CREATED",
        reason: REASON,
        expected_current_status: "GLM_ACCEPTED",
      }),
    ).toThrow(/terminal status/);
  });
});

describe("workpackage.force_reset", () => {
  test("ASSIGNED → CREATED, claimer cleared, TUI sessions ABANDONED (window left alone), one audit row", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "tui" });
    w.db.prepare("UPDATE work_packages SET claimed_by_agent = 'junior' WHERE id = ?").run(pkg);
    const row = (await forceReset(w.user(), {
      work_package_id: pkg,
      reason: REASON,
      expected_current_status: "ASSIGNED",
    })) as { status: string; claimed_by_agent: string | null };
    expect(row).toMatchObject({ status: "CREATED", claimed_by_agent: null });
    const session = w.db
      .prepare("SELECT lifecycle_state, ended_at FROM mimo_sessions WHERE id = ?")
      .get(s.id) as {
      lifecycle_state: string;
      ended_at: string | null;
    };
    expect(session.lifecycle_state).toBe("ABANDONED");
    expect(session.ended_at).toBeTruthy();
    expect(() => process.kill(s.pid!, 0)).not.toThrow(); // the user's window was not killed
    expect(audits(w, "ADMIN_WORK_PACKAGE_RESET")).toHaveLength(1);
    tellExit(w.records, s.pid!);
  });

  test("a PREPARED session (launch never recorded a process) is CANCELLED", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    // The launch's first committed step alone: the row a crash before spawn leaves behind.
    const plan = prepareLaunch(w.glm, { work_package_id: pkg, mode: "headless" });
    const before = w.db
      .prepare("SELECT lifecycle_state, pid FROM mimo_sessions WHERE id = ?")
      .get(plan.session.id);
    expect(before).toEqual({ lifecycle_state: "PREPARED", pid: null });
    await forceReset(w.codex, { work_package_id: pkg, reason: REASON, expected_current_status: "ASSIGNED" });
    const after = w.db
      .prepare("SELECT lifecycle_state, ended_at FROM mimo_sessions WHERE id = ?")
      .get(plan.session.id) as { lifecycle_state: string; ended_at: string | null };
    expect(after.lifecycle_state).toBe("CANCELLED");
    expect(after.ended_at).toBeTruthy();
  });

  test("headless sessions are stopped and CANCELLED", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const s = await launchPackage(w.glm, w.runtime, { work_package_id: pkg, mode: "headless" });
    await forceReset(w.codex, { work_package_id: pkg, reason: REASON, expected_current_status: "ASSIGNED" });
    const states = w.db.prepare("SELECT lifecycle_state FROM mimo_sessions WHERE id = ?").get(s.id);
    expect(states).toEqual({ lifecycle_state: "CANCELLED" });
    await new Promise((r) => setTimeout(r, 100));
    expect(() => process.kill(s.pid!, 0)).toThrow();
  });

  test("optimistic lock, reason, caller and the terminal guard", async () => {
    const w = await world();
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "GLM_ACCEPTED", junior: "junior" });
    await expect(
      forceReset(w.codex, { work_package_id: pkg, reason: REASON, expected_current_status: "ASSIGNED" }),
    ).rejects.toThrow(/^OPTIMISTIC_LOCK_MISMATCH/);
    await expect(
      forceReset(w.codex, { work_package_id: pkg, reason: "short", expected_current_status: "GLM_ACCEPTED" }),
    ).rejects.toThrow(/at least 10 characters/);
    await expect(
      forceReset(w.glm, { work_package_id: pkg, reason: REASON, expected_current_status: "GLM_ACCEPTED" }),
    ).rejects.toThrow(/not authorized to reset work packages/);
    await expect(
      forceReset(w.codex, { work_package_id: pkg, reason: REASON, expected_current_status: "GLM_ACCEPTED" }),
    ).rejects.toThrow(/terminal status.*allow_terminal/);
    expect(audits(w, "ADMIN_WORK_PACKAGE_RESET")).toEqual([]);
    const row = (await forceReset(w.codex, {
      work_package_id: pkg,
      reason: REASON,
      expected_current_status: "GLM_ACCEPTED",
      allow_terminal: true,
    })) as { status: string };
    expect(row.status).toBe("CREATED");
  });
});
