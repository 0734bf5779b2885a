/**
 * The lifecycle scenarios, written once against the Caller abstraction: the e2e suite runs them
 * over MCP with one server process per identity, the integration suite through the handlers.
 */
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { at, list, num, objects, str } from "./answer.js";
import { git, tempDir } from "./git-repo.js";
import {
  commitFiles,
  createPackage,
  fullLifecycle,
  makeGraceRepo,
  planTask,
  PACKET_ARGS,
  STORE,
  submit,
  workerReport,
  type Caller,
} from "./git-repo-lifecycle.js";
import { snapshotLedger } from "./ledger-snapshot.js";

export function defineLifecycleScenarios(label: string, open: (dataDir: string) => Promise<Caller>) {
  describe(`lifecycle scenarios (${label})`, () => {
    const dataDir = tempDir("grace-scn-data-");
    let c: Caller;
    beforeAll(async () => {
      c = await open(dataDir);
    });
    afterAll(async () => {
      await c?.close();
    });

    /** The refusal message, with the whole ledger (outbox included) unchanged by the attempt. */
    async function refusedUnchanged(...args: Parameters<Caller["refuse"]>): Promise<string> {
      const before = snapshotLedger(dataDir);
      const message = await c.refuse(...args);
      expect(snapshotLedger(dataDir)).toEqual(before);
      return message;
    }

    /** A task at GLM_TESTS_PREPARED with one ASSIGNED package. */
    async function assigned() {
      const { repo, base } = makeGraceRepo();
      const { projectId, taskId } = await planTask(c.call, repo);
      const pkg = await createPackage(c.call, taskId, base);
      return { repo, base, projectId, taskId, pkgId: pkg.id };
    }

    async function auditTypes(taskId: number): Promise<string[]> {
      return objects(await c.call("codex", "audit.list", { task_id: taskId }), "result").map((r) =>
        str(r, "event_type"),
      );
    }

    test("create → closed: evidence from git, Pro repair, artifacts auto-imported, atomic close", async () => {
      const { repo, base } = makeGraceRepo();
      const r = await fullLifecycle(c.call, repo, base);
      const taskId = num(r.task, "id");
      expect(at(r.first, "handoff_event", "type")).toBe("WORKER_READY_FOR_REVIEW");
      expect(r.first!.submitted_by_agent).toBe("junior-1");
      expect(r.first!.files_changed).toEqual([STORE]);
      // The answer gives the diff's size; the diff itself is read in pages.
      expect(r.first!).not.toHaveProperty("diff");
      const diff = await c.call("glm", "repo.diff", {
        project_id: r.finalReview!.project_id,
        submission_id: r.first!.id,
      });
      expect(diff.diff).toContain("+// revision 1");
      expect(diff).toMatchObject({ offset: 0, has_more: false, total_bytes: r.first!.diff_bytes });
      expect(r.rejected!).toMatchObject({
        work_package_status: "REPAIR_REQUIRED",
        task_status: "GLM_REJECTED_REPAIR_REQUIRED",
      });
      expect(r.proClaim!).toMatchObject({ status: "CLAIMED_PRO", worker_pro_available: true });
      expect(at(r.accepted, "handoff_event", "type")).toBe("CONTROLLER_ACCEPTED");
      expect(r.finalReview!.grace_artifacts).toHaveLength(6);
      expect(r.codex!.task_status).toBe("TASK_CLOSED");
      const types = await auditTypes(taskId);
      for (const t of [
        "hook.on_workpackage_created",
        "hook.on_submission_created",
        "hook.on_glm_rejected",
        "hook.on_glm_accepted",
        "hook.on_codex_accepted",
        "hook.gate.promote",
        "task.closed_by_hook",
      ]) {
        expect(types).toContain(t);
      }
      // The close happened inside the acceptance: task.close afterwards is a no-op.
      expect(types.filter((t) => t === "task.closed")).toEqual([]);
      const before = snapshotLedger(dataDir);
      expect((await c.call("codex", "task.close", { task_id: taskId })).status).toBe("TASK_CLOSED");
      expect(snapshotLedger(dataDir)).toEqual(before);
      const events = await c.call("codex", "handoff.list_events", { work_package_id: r.pkg!.id });
      expect(objects(events, "events").map((e) => e.type)).toEqual([
        "WORKER_READY_FOR_REVIEW",
        "CONTROLLER_REWORK_REQUESTED",
        "WORKER_READY_FOR_REVIEW",
        "CONTROLLER_ACCEPTED",
      ]);
    });

    test("controller repair: the Pro is unavailable, Codex repairs and GLM accepts", async () => {
      const { repo, base } = makeGraceRepo();
      const { taskId } = await planTask(c.call, repo, { proAvailable: false });
      const pkg = await createPackage(c.call, taskId, base);
      await c.call("junior", "workpackage.claim", { work_package_id: pkg.id });
      await submit(c.call, "junior", taskId, pkg.id, commitFiles(repo, { [STORE]: "// junior\n" }), [STORE]);
      await c.call("glm", "review.glm_submit", {
        target_id: pkg.id,
        decision: "rejected_repair_required",
        findings: ["wrong"],
        required_fixes: ["fix"],
      });
      expect(await c.refuse("pro", "workpackage.claim", { work_package_id: pkg.id })).toContain(
        "Assigned agent 'pro-1' is not available",
      );
      const repair = await c.call("codex", "submission.controller_repair", {
        work_package_id: pkg.id,
        summary: "controller fix",
        head_commit: commitFiles(repo, { [STORE]: "// codex\n" }),
        tests_run: [],
        risk_notes: "",
        controller_report: workerReport(taskId, pkg.id, [STORE]),
      });
      expect(repair).toMatchObject({
        submitted_by_agent: "codex-main",
        handoff_event: { type: "CONTROLLER_REPAIR_SUBMITTED" },
      });
      const accepted = await c.call("glm", "review.glm_submit", {
        target_id: pkg.id,
        decision: "accepted",
        findings: [],
        required_fixes: [],
      });
      expect(accepted.task_status).toBe("GLM_ACCEPTED");
    });

    test("with the Pro unavailable the junior takes the repair (free repair route)", async () => {
      const { repo, base } = makeGraceRepo();
      const { taskId } = await planTask(c.call, repo, { proAvailable: false });
      const pkg = await createPackage(c.call, taskId, base);
      await c.call("junior", "workpackage.claim", { work_package_id: pkg.id });
      await submit(c.call, "junior", taskId, pkg.id, commitFiles(repo, { [STORE]: "// 1\n" }), [STORE]);
      await c.call("glm", "review.glm_submit", {
        target_id: pkg.id,
        decision: "rejected_repair_required",
        findings: ["wrong"],
        required_fixes: ["fix"],
      });
      expect((await c.call("junior", "workpackage.claim", { work_package_id: pkg.id })).status).toBe(
        "CLAIMED_JUNIOR",
      );
      const again = await submit(c.call, "junior", taskId, pkg.id, commitFiles(repo, { [STORE]: "// 2\n" }), [
        STORE,
      ]);
      expect(at(again, "handoff_event", "type")).toBe("WORKER_READY_FOR_REVIEW");
    });

    test("controller completion of a task with no packages, then final review closes it", async () => {
      const { repo, base } = makeGraceRepo();
      const { taskId } = await planTask(c.call, repo);
      expect(at(await c.call("codex", "gate.acceptance_review", { task_id: taskId }), "issues", 0)).toContain(
        "audited controller task completion",
      );
      const head = commitFiles(repo, { "src/orderdesk/api.ts": "// codex did it\n" });
      const done = await c.call("codex", "submission.controller_task_completion", {
        task_id: taskId,
        summary: "small enough to do directly",
        base_commit: base,
        head_commit: head,
        tests_run: [],
        risk_notes: "",
        controller_report: workerReport(taskId, 0, ["src/orderdesk/api.ts"]),
      });
      expect(done.decision).toBe("controller_completed");
      expect(at(done, "controller_completion", "evidence", "files_changed")).toEqual([
        "src/orderdesk/api.ts",
      ]);
      expect((await c.call("codex", "gate.acceptance_review", { task_id: taskId })).status).toBe("pass");
      await c.call("codex", "task.request_final_review", { task_id: taskId });
      const review = await c.call("codex", "review.codex_submit", {
        task_id: taskId,
        decision: "accepted",
        findings: [],
        required_fixes: [],
      });
      expect(review.task_status).toBe("TASK_CLOSED");
    });

    test("controller completion is refused once the task has a package", async () => {
      const { repo, base, taskId } = await assigned();
      const message = await refusedUnchanged("codex", "submission.controller_task_completion", {
        task_id: taskId,
        summary: "s",
        base_commit: base,
        head_commit: commitFiles(repo, { [STORE]: "// x\n" }),
        tests_run: [],
        risk_notes: "",
        controller_report: workerReport(taskId, 0, [STORE]),
      });
      expect(message).toContain(
        "Controller task completion is only allowed when the task has no work packages",
      );
    });

    test("cancel a claimed package: task back to GLM_TESTS_PREPARED, CONTROLLER_CANCELLED emitted", async () => {
      const { taskId, pkgId } = await assigned();
      await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
      const cancelled = await c.call("glm", "workpackage.cancel", {
        work_package_id: pkgId,
        reason: "replanned",
      });
      expect(cancelled.status).toBe("CANCELLED");
      expect((await c.call("codex", "task.get", { task_id: taskId })).status).toBe("GLM_TESTS_PREPARED");
      const events = await c.call("codex", "handoff.list_events", { work_package_id: pkgId });
      expect(objects(events, "events").map((e) => e.type)).toEqual(["CONTROLLER_CANCELLED"]);
      expect(
        await refusedUnchanged("codex", "task.recover_cancelled_packages", {
          task_id: taskId,
          reason: "repair",
        }),
      ).toContain(
        `Cancel-all task recovery of task ${taskId}: status 'GLM_TESTS_PREPARED' is not allowed; ` +
          "status must be one of WORK_PACKAGES_CREATED, WORK_PACKAGES_ASSIGNED, GLM_REJECTED_REPAIR_REQUIRED",
      );
    });

    test("cancelling a new wave's only open package returns the task to GLM_ACCEPTED", async () => {
      const { repo, base, taskId, pkgId } = await assigned();
      await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
      await submit(c.call, "junior", taskId, pkgId, commitFiles(repo, { [STORE]: "// ok\n" }), [STORE]);
      await c.call("glm", "review.glm_submit", {
        target_id: pkgId,
        decision: "accepted",
        findings: [],
        required_fixes: [],
      });
      const wave = await c.call("glm", "workpackage.create", {
        task_id: taskId,
        title: "Second wave",
        objective: "More",
        allowed_files: ["src/orderdesk/**"],
        forbidden_files: [],
        assigned_junior_agent: "junior-1",
        assigned_pro_agent: "pro-1",
        base_commit: base,
        test_surface: ["unit"],
        commands_allowed: ["unit"],
        rollback_boundary: "base",
        stop_conditions: ["scope"],
      });
      expect((await c.call("codex", "task.get", { task_id: taskId })).status).toBe("WORK_PACKAGES_CREATED");
      await c.call("glm", "workpackage.cancel", { work_package_id: wave.id, reason: "not needed after all" });
      expect((await c.call("codex", "task.get", { task_id: taskId })).status).toBe("GLM_ACCEPTED");
    });

    test("circuit breaker: the third non-accepted review pauses the package", async () => {
      const { repo, taskId, pkgId } = await assigned();
      const reject = () =>
        c.call("glm", "review.glm_submit", {
          target_id: pkgId,
          decision: "blocked",
          findings: ["no"],
          required_fixes: [],
        });
      await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
      await submit(c.call, "junior", taskId, pkgId, commitFiles(repo, { [STORE]: "// 1\n" }), [STORE]);
      expect((await reject()).work_package_status).toBe("REPAIR_REQUIRED");
      // The Pro is available, so the repair route is the Pro's, not the junior's.
      expect(await refusedUnchanged("junior", "workpackage.claim", { work_package_id: pkgId })).toContain(
        "Only the assigned repair worker may claim the package",
      );
      for (const n of [2, 3]) {
        await c.call("pro", "workpackage.claim", { work_package_id: pkgId });
        await submit(c.call, "pro", taskId, pkgId, commitFiles(repo, { [STORE]: `// ${n}\n` }), [STORE]);
        const outcome = await reject();
        expect(outcome.work_package_status).toBe(n === 2 ? "REPAIR_REQUIRED" : "HUMAN_INTERVENTION_REQUIRED");
        expect(outcome.task_status).toBe("GLM_REJECTED_REPAIR_REQUIRED");
      }
      const summary = await c.call("codex", "task.get_summary", { task_id: taskId });
      expect(summary.blocked_package_ids).toEqual([pkgId]);
      expect(await c.refuse("pro", "workpackage.claim", { work_package_id: pkgId })).toContain(
        "Only the assigned worker may claim the package in its current state",
      );
    });

    describe("refusals: a specific message and no state change", () => {
      test("a worker submitting a package it did not claim", async () => {
        const { repo, taskId, pkgId } = await assigned();
        await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
        const head = commitFiles(repo, { [STORE]: "// pro sneaks in\n" });
        expect(
          await refusedUnchanged("pro", "submission.create", submitArgs(taskId, pkgId, head, [STORE])),
        ).toContain("Only the worker that claimed a package may submit it");
      });

      test("changed files outside the scope or inside a forbidden pattern", async () => {
        const { repo, taskId, pkgId } = await assigned();
        await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
        const outside = commitFiles(repo, { "README.md": "changed\n" });
        expect(
          await refusedUnchanged(
            "junior",
            "submission.create",
            submitArgs(taskId, pkgId, outside, ["README.md"]),
          ),
        ).toContain("Submission changed file outside allowed scope: README.md");
        git(repo, "reset", "-q", "--hard", "HEAD~1");
        const secret = "src/orderdesk/secrets/key.ts";
        const forbidden = commitFiles(repo, { [secret]: "export const k = 1;\n" });
        expect(
          await refusedUnchanged(
            "junior",
            "submission.create",
            submitArgs(taskId, pkgId, forbidden, [secret]),
          ),
        ).toContain(`Submission changed forbidden file: ${secret}`);
      });

      test("an attached contract discovery cannot claim refs the server does not find", async () => {
        const { repo, base } = makeGraceRepo();
        const { projectId, taskId } = await planTask(c.call, repo);
        const real = await c.call("glm", "gate.contract_discovery", {
          project_id: projectId,
          task_id: taskId,
          affected_files: ["src/orderdesk/**"],
        });
        const claimed = { ...real, module_refs: [...list(real, "module_refs"), "M-GHOST"] };
        const message = await refusedUnchanged("glm", "workpackage.create", {
          task_id: taskId,
          title: "ghost",
          objective: "o",
          allowed_files: ["src/orderdesk/**"],
          forbidden_files: [],
          assigned_junior_agent: "junior-1",
          assigned_pro_agent: "pro-1",
          base_commit: base,
          contract_discovery: claimed,
          ...PACKET_ARGS,
        });
        expect(message).toContain("Supplied module_refs entry M-GHOST is not found");
      });

      test("a file whose name contains backslashes is refused, not read as a path inside the scope", async () => {
        const { repo, taskId, pkgId } = await assigned();
        await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
        // On POSIX this is one file at the repo root, outside src/orderdesk/**.
        const sneaky = "src\\orderdesk\\evil.ts";
        const head = commitFiles(repo, { [sneaky]: "export const evil = 1;\n" });
        expect(
          await refusedUnchanged("junior", "submission.create", submitArgs(taskId, pkgId, head, [sneaky])),
        ).toContain("Submission path contains a backslash");
      });

      test("a head that is not a descendant of the base", async () => {
        const { repo, taskId, pkgId } = await assigned();
        await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
        git(repo, "checkout", "-q", "--orphan", "elsewhere");
        const stray = commitFiles(repo, { [STORE]: "// unrelated history\n" });
        git(repo, "checkout", "-q", "-f", "main");
        expect(
          await refusedUnchanged("junior", "submission.create", submitArgs(taskId, pkgId, stray, [STORE])),
        ).toMatch(/is not a descendant of base commit/);
      });

      test("a report whose files changed differ from the git evidence", async () => {
        const { repo, taskId, pkgId } = await assigned();
        await c.call("junior", "workpackage.claim", { work_package_id: pkgId });
        const head = commitFiles(repo, { [STORE]: "// real change\n" });
        const message = await refusedUnchanged(
          "junior",
          "submission.create",
          submitArgs(taskId, pkgId, head, [STORE, "src/orderdesk/api.ts"]),
        );
        expect(message).toContain(
          "Worker report validation failed: Worker report files changed do not match submission evidence",
        );
      });

      test("a Pro claiming before a GLM rejection", async () => {
        const { pkgId } = await assigned();
        expect(await refusedUnchanged("pro", "workpackage.claim", { work_package_id: pkgId })).toContain(
          "Assigned worker_pro is not yet enabled by a recorded GLM rejection hook",
        );
      });

      test("final review with a missing artifact, and with a symlink leaving the repo", async () => {
        const { repo, base } = makeGraceRepo();
        rmSync(path.join(repo, "docs", "technology.xml"));
        const { taskId } = await planTask(c.call, repo);
        await c.call("codex", "submission.controller_task_completion", {
          task_id: taskId,
          summary: "direct",
          base_commit: base,
          head_commit: base,
          tests_run: [],
          risk_notes: "",
          controller_report: workerReport(taskId, 0, []),
        });
        expect(await refusedUnchanged("codex", "task.request_final_review", { task_id: taskId })).toContain(
          "Codex final review requires GRACE artifacts: technology",
        );
        const outside = path.join(tempDir("grace-outside-"), "technology.xml");
        writeFileSync(outside, "<TechnologyStack/>\n");
        symlinkSync(outside, path.join(repo, "docs", "technology.xml"));
        expect(await refusedUnchanged("codex", "task.request_final_review", { task_id: taskId })).toContain(
          "Path outside project root: docs/technology.xml",
        );
        const project = (await c.call("codex", "task.get", { task_id: taskId })).project_id;
        expect(
          await refusedUnchanged("glm", "grace.upsert_artifact", {
            project_id: project,
            task_id: taskId,
            artifact_type: "technology",
            content: "<TechnologyStack/>",
            path: "docs/technology.xml",
          }),
        ).toContain("Path outside project root");
      });

      test("'..' and absolute scope patterns", async () => {
        const { repo, base } = makeGraceRepo();
        const { taskId } = await planTask(c.call, repo);
        for (const pattern of ["../outside/**", "/etc/**", "src/../../x/**"]) {
          const message = await refusedUnchanged("glm", "workpackage.create", {
            task_id: taskId,
            title: "escape",
            objective: "o",
            allowed_files: [pattern],
            forbidden_files: [],
            assigned_junior_agent: "junior-1",
            assigned_pro_agent: "pro-1",
            base_commit: base,
          });
          expect(message).toContain(`Work-package allowed scope pattern is not project-relative: ${pattern}`);
        }
        expect(
          await refusedUnchanged("glm", "workpackage.create", {
            task_id: taskId,
            title: "wider",
            objective: "o",
            allowed_files: ["docs/**"],
            forbidden_files: [],
            assigned_junior_agent: "junior-1",
            assigned_pro_agent: "pro-1",
            base_commit: base,
          }),
        ).toContain("Work package scope must be a subset of its parent task scope");
      });

      test("a test command that is not allowlisted; an allowlisted one is recorded", async () => {
        const { projectId, taskId, pkgId } = await assigned();
        const args = { project_id: projectId, task_id: taskId, work_package_id: pkgId };
        expect(await refusedUnchanged("junior", "repo.run_tests", { ...args, command_key: "rm" })).toContain(
          "Test command 'rm' is not allowlisted",
        );
        const ok = await c.call("junior", "repo.run_tests", { ...args, command_key: "unit" });
        expect(ok).toMatchObject({ command_key: "unit", exit_code: 0 });
        const failing = await c.call("glm", "repo.run_tests", { ...args, command_key: "failing" });
        expect(failing.exit_code).toBe(3);
        expect(failing.stdout_path).not.toBe(ok.stdout_path);
      });
    });
  });
}

function submitArgs(taskId: number, pkgId: number, head: string, files: string[]) {
  return {
    work_package_id: pkgId,
    summary: "change",
    head_commit: head,
    tests_run: [],
    risk_notes: "",
    worker_report: workerReport(taskId, pkgId, files),
  };
}
