import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, test } from "vitest";
import { HOOK_EVENTS, HookRegistry } from "../../src/hooks/index.js";
import { tempDir } from "../helpers/git-repo.js";
import {
  commitFiles,
  createPackage,
  inProcessCaller,
  makeGraceRepo,
  planTask,
  STORE,
  submit,
} from "../helpers/git-repo-lifecycle.js";
import { snapshotLedger } from "../helpers/ledger-snapshot.js";

let caller: ReturnType<typeof inProcessCaller> | undefined;
afterEach(async () => {
  await caller?.close();
  caller = undefined;
});

async function claimedPackage() {
  const dataDir = tempDir("grace-hooks-data-");
  const { repo, base } = makeGraceRepo();
  caller = inProcessCaller(dataDir);
  const { taskId } = await planTask(caller.call, repo);
  const pkg = await createPackage(caller.call, taskId, base);
  await caller.call("junior", "workpackage.claim", { work_package_id: pkg.id });
  return { c: caller, dataDir, repo, taskId, pkgId: pkg.id };
}

describe("HookRegistry", () => {
  test("the event set is closed; gate.promote is one of them and never a tool", () => {
    const registry = new HookRegistry();
    expect(() => registry.register("on_anything", () => {})).toThrow(/documented HookEvent/);
    expect(HOOK_EVENTS).toContain("gate.promote");
    expect(() => registry.register("gate.promote", () => {})).not.toThrow();
  });

  test("dispatch outside a transaction is a programming error", () => {
    const registry = new HookRegistry();
    expect(() =>
      registry.dispatch({ event: "gate.promote" } as Parameters<HookRegistry["dispatch"]>[0], false),
    ).toThrow(/inside its transaction/);
  });

  test("a throwing submission hook rolls back the submission, its audit rows and its outbox event", async () => {
    const { c, dataDir, repo, taskId, pkgId } = await claimedPackage();
    const head = commitFiles(repo, { [STORE]: "// change\n" });
    const remove = c.ctx.hooks.register("on_submission_created", () => {
      throw new Error("policy hook refused");
    });
    const before = snapshotLedger(dataDir);
    await expect(submit(c.call, "junior", taskId, pkgId, head, [STORE])).rejects.toThrow(
      "policy hook refused",
    );
    expect(snapshotLedger(dataDir)).toEqual(before);
    const runDir = path.join(dataDir, "runs", `project-1`, `task-${taskId}`, `package-${pkgId}`);
    expect(existsSync(path.join(runDir, "handoff", `WP-${pkgId}.report.md`))).toBe(false);
    remove();
    expect((await submit(c.call, "junior", taskId, pkgId, head, [STORE])).submitted_by_agent).toBe(
      "junior-1",
    );
  });

  test("a throwing gate.promote rolls back a GLM review with its two transitions and CONTROLLER_ACCEPTED", async () => {
    const { c, dataDir, repo, taskId, pkgId } = await claimedPackage();
    await submit(c.call, "junior", taskId, pkgId, commitFiles(repo, { [STORE]: "// ok\n" }), [STORE]);
    c.ctx.hooks.register("gate.promote", (h) => {
      if (h.payload["to_status"] === "GLM_ACCEPTED") throw new Error("promotion vetoed");
    });
    const before = snapshotLedger(dataDir);
    await expect(
      c.call("glm", "review.glm_submit", {
        target_id: pkgId,
        decision: "accepted",
        findings: [],
        required_fixes: [],
      }),
    ).rejects.toThrow("promotion vetoed");
    expect(snapshotLedger(dataDir)).toEqual(before);
  });

  test("recovery of a legacy package-phase task whose packages are all cancelled", async () => {
    const { c, dataDir, taskId, pkgId } = await claimedPackage();
    await c.call("glm", "workpackage.cancel", { work_package_id: pkgId, reason: "replanned" });
    // A ledger written by an older server could be left in WORK_PACKAGES_ASSIGNED with nothing live.
    const db = new Database(path.join(dataDir, "ledger.sqlite3"));
    db.prepare("UPDATE tasks SET status = 'WORK_PACKAGES_ASSIGNED' WHERE id = ?").run(taskId);
    db.close();
    const task = await c.call("codex", "task.recover_cancelled_packages", {
      task_id: taskId,
      reason: "stale state",
    });
    expect(task.status).toBe("GLM_TESTS_PREPARED");
  });
});
