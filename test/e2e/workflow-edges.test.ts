import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { at, num, objects, str } from "../helpers/answer.js";
import { POLICY_PATH } from "../../src/gates/index.js";
import {
  STORE,
  commitFiles,
  createPackage,
  createTask,
  makeGraceRepo,
  planTask,
  submit,
  type Caller,
} from "../helpers/git-repo-lifecycle.js";
import { useMcpWorld } from "../helpers/mcp-world.js";

const { world } = useMcpWorld("edges");
const call: Caller["call"] = (...a) => world().call(...a);
const refuse: Caller["refuse"] = (...a) => world().refuse(...a);

describe("behaviour with code and, until now, no test", () => {
  test("project.set_test_commands replaces the allowlist that repo.run_tests uses", async () => {
    const { repo } = makeGraceRepo();
    const { projectId, taskId } = await planTask(call, repo);
    const run = (key: string) =>
      call("glm", "repo.run_tests", {
        project_id: projectId,
        task_id: taskId,
        work_package_id: null,
        command_key: key,
      });
    expect((await run("unit")).exit_code).toBe(0);
    await call("codex", "project.set_test_commands", {
      project_id: projectId,
      allowed_test_commands: { smoke: [process.execPath, "-e", "process.exit(4)"] },
    });
    expect((await run("smoke")).exit_code).toBe(4);
    expect(
      await refuse("glm", "repo.run_tests", {
        project_id: projectId,
        task_id: taskId,
        work_package_id: null,
        command_key: "unit",
      }),
    ).toBe("Test command 'unit' is not allowlisted");
    expect(
      await refuse("glm", "project.set_test_commands", {
        project_id: projectId,
        allowed_test_commands: { x: ["true"] },
      }),
    ).toMatch(/not found|not authorized/i);
  });

  test("workpackage.reassign: Codex (not GLM) moves an unclaimed codex-led package to another junior, audited; refused once claimed", async () => {
    const { repo, base } = makeGraceRepo();
    const { projectId, taskId } = await planTask(call, repo);
    await call("codex", "agent.register", {
      project_id: projectId,
      name: "junior-2",
      primary_role: "worker_junior",
      capabilities: ["worker_junior"],
    });
    const pkg = await createPackage(call, taskId, base);
    const args = { work_package_id: pkg.id, assigned_junior_agent: "junior-2", reason: "junior-1 is busy" };
    expect(await refuse("glm", "workpackage.reassign", args)).toBe(
      `Actor 'glm-1' is not authorized for role codex on project ${projectId}`,
    );
    expect(await call("codex", "workpackage.reassign", args)).toMatchObject({
      assigned_junior_agent: "junior-2",
      status: "ASSIGNED",
    });
    expect(await refuse("junior", "workpackage.claim", { work_package_id: pkg.id })).toMatch(
      /^Only the assigned worker may claim/,
    );
    const audit = objects(await call("glm", "audit.list", { task_id: taskId }), "result");
    expect(audit.find((a) => a.event_type === "work_package.reassigned_by_authority")).toMatchObject({
      target_id: pkg.id,
      payload: { previous_assigned_junior_agent: "junior-1", assigned_junior_agent: "junior-2" },
    });

    await call("codex", "workpackage.reassign", { ...args, assigned_junior_agent: "junior-1" });
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    expect(await refuse("codex", "workpackage.reassign", args)).toBe(
      `Only created or unclaimed assigned packages may be reassigned (work package ${pkg.id} is CLAIMED_JUNIOR); status must be one of CREATED, ASSIGNED`,
    );
  });

  test("the audit filter: a task's list holds its own targets only, and GLM must name a task", async () => {
    const { repo, base } = makeGraceRepo();
    const first = await planTask(call, repo);
    const second = await createTask(call, first.projectId, { title: "other" });
    const pkg = await createPackage(call, first.taskId, base);
    const rows = objects(await call("codex", "audit.list", { task_id: first.taskId }), "result");
    const targets = new Set(rows.map((r) => `${str(r, "target_type")}:${num(r, "target_id")}`));
    expect(targets).toContain(`task:${first.taskId}`);
    expect(targets).toContain(`work_package:${pkg.id}`);
    expect(targets).not.toContain(`task:${second.id}`);
    const global = objects(await call("codex", "audit.list", {}), "result");
    expect(global.some((r) => r.target_type === "task" && r.target_id === second.id)).toBe(true);
    expect(await refuse("glm", "audit.list", {})).toBe(
      "GLM and Test Owner roles require a specific task_id for audit logs",
    );
  });

  test("pagination edges: one event at a time, the end, an unknown cursor; audit pages past the end", async () => {
    const { repo, base } = makeGraceRepo();
    const { taskId } = await planTask(call, repo);
    const pkg = await createPackage(call, taskId, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    for (const message of ["one", "two"]) {
      await call("junior", "handoff.report_worker_event", {
        work_package_id: pkg.id,
        event_type: "WORKER_BLOCKED",
        message,
      });
    }
    const page = (after?: string) =>
      call("codex", "handoff.list_events_page", {
        work_package_id: pkg.id,
        limit: 1,
        ...(after === undefined ? {} : { after_event_id: after }),
      });
    const p1 = await page();
    expect(objects(p1, "items").map((e) => at(e, "payload", "message"))).toEqual(["one"]);
    expect(p1.has_more).toBe(true);
    const p2 = await page(str(p1, "next_after_id"));
    expect(objects(p2, "items").map((e) => at(e, "payload", "message"))).toEqual(["two"]);
    expect(p2).toMatchObject({ has_more: false, next_after_id: null });
    expect((await page(str(p2, "items", 0, "event_id"))).items).toEqual([]);
    expect(at(await page("1"), "items", 0, "event_id")).toBe(at(p2, "items", 0, "event_id"));
    expect(
      await refuse("codex", "handoff.list_events_page", {
        work_package_id: pkg.id,
        after_event_id: "evt_nope",
      }),
    ).toBe("Unknown after_event_id cursor: 'evt_nope'");

    const all = objects(await call("codex", "audit.list", { task_id: taskId }), "result");
    const last = num(all.at(-1), "id");
    const tail = await call("codex", "audit.list_page", {
      task_id: taskId,
      after_audit_id: last - 1,
      limit: 5,
    });
    expect(tail).toMatchObject({ has_more: false, next_after_id: last });
    expect(tail.items).toHaveLength(1);
    expect(await call("codex", "audit.list_page", { task_id: taskId, after_audit_id: last })).toMatchObject({
      items: [],
      has_more: false,
      next_after_id: null,
    });
  });

  test("final review: the agent-infra lint blocks it while the policy fails; Codex can then reject the task", async () => {
    const { repo, base } = makeGraceRepo();
    const { taskId } = await planTask(call, repo);
    const pkg = await createPackage(call, taskId, base);
    await call("junior", "workpackage.claim", { work_package_id: pkg.id });
    await submit(call, "junior", taskId, pkg.id, commitFiles(repo, { [STORE]: "// v1\n" }), [STORE]);
    await call("glm", "review.glm_submit", {
      target_id: pkg.id,
      decision: "accepted",
      findings: [],
      required_fixes: [],
    });

    const policy = path.join(repo, POLICY_PATH);
    fs.mkdirSync(path.dirname(policy), { recursive: true });
    fs.writeFileSync(
      policy,
      JSON.stringify({ required_rules: [{ file: "AGENTS.md", ids: ["NO-DIRECT-DB"] }] }),
    );
    const refusal = await refuse("codex", "task.request_final_review", { task_id: taskId });
    // A policy switches on the whole agent layer check; the sample repo has none of it.
    expect(refusal).toMatch(
      /^Agent-infra lint gate failed: Required file is missing: docs\/grace\/agent-enforcement-layer\.md/,
    );
    expect((await call("codex", "task.get_summary", { task_id: taskId })).status).toBe("GLM_ACCEPTED");
    fs.rmSync(policy);
    expect((await call("codex", "task.request_final_review", { task_id: taskId })).status).toBe(
      "CODEX_FINAL_REVIEW",
    );

    const rejected = await call("codex", "review.codex_submit", {
      task_id: taskId,
      decision: "rejected_repair_required",
      findings: ["the duplicate check ignores ids with spaces"],
      required_fixes: ["trim ids before the check"],
    });
    expect(rejected).toMatchObject({ decision: "rejected_repair_required" });
    expect((await call("codex", "task.get_summary", { task_id: taskId })).status).toBe(
      "CODEX_REJECTED_REPAIR_REQUIRED",
    );
    const audit = objects(await call("codex", "audit.list", { task_id: taskId }), "result");
    expect(audit.map((a) => a.event_type)).toContain("review.codex_submitted");
  });
});
