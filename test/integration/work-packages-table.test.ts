import { describe, expect, test } from "vitest";
import {
  findWorkPackage,
  insertWorkPackage,
  listPackageCandidates,
  listPackagesOfTask,
  packageOwners,
  setPackageStatus,
  taskIdOfPackage,
  type NewPackageRow,
} from "../../src/ledger/tables/work-packages.js";
import { closedWorlds } from "../helpers/fake-mimo-world.js";

const world = closedWorlds();

/** Every text column gets a value of its own, so a column bound to another's parameter shows. */
function distinctRow(taskId: number, base: string): NewPackageRow {
  return {
    task_id: taskId,
    title: "title-v",
    objective: "objective-v",
    allowed_files_json: '["src/allowed.ts"]',
    forbidden_files_json: '["src/forbidden.ts"]',
    assigned_junior_agent: "junior-v",
    assigned_pro_agent: "pro-v",
    operation_id: "operation-id-v",
    authority_mode: "glm_direct",
    operation_root: "operation-root-v",
    // 0, not the column's default of 1, so a dropped binding shows too.
    codex_required: 0,
    codex_instance_id: "codex-instance-v",
    glm_instance_id: "glm-instance-v",
    branch_worktree: "branch-worktree-v",
    glm_scan_plan_report_json: '{"scan":"v"}',
    operation_isolation_json: '{"isolation":"v"}',
    pro_api_assignment: "pro-api-v",
    base_commit: base,
    contract_discovery_json: '{"discovery":"v"}',
    test_surface_json: '["test-surface-v"]',
    rollback_boundary: "rollback-v",
    compact_report_format_json: '["report-format-v"]',
    session_routing_json: '{"routing":"v"}',
    cache_anchor: "GRACE:M-V:V-V",
    created_at: "2026-11-30T10:00:00.000Z",
    updated_at: "2026-11-30T10:00:01.000Z",
  };
}

describe("work_packages data module", () => {
  test("an inserted package reads back column for column: CREATED, unclaimed, Pro not enabled", async () => {
    const w = await world();
    const row = distinctRow(w.taskId, w.base);
    const id = insertWorkPackage(w.db, row);
    expect(findWorkPackage(w.db, id)).toEqual({
      ...row,
      id,
      status: "CREATED",
      claimed_by_agent: null,
      worker_pro_available: 0,
    });
    expect(listPackagesOfTask(w.db, w.taskId).map((p) => p.id)).toEqual([id]);
    expect(taskIdOfPackage(w.db, id)).toBe(w.taskId);
    expect(taskIdOfPackage(w.db, id + 1)).toBeNull();
    expect(packageOwners(w.db, id)).toEqual({ projectId: w.projectId, taskId: w.taskId });
  });

  test("candidates are the packages in the given statuses, of the given project or of all", async () => {
    const w = await world();
    const waiting = insertWorkPackage(w.db, distinctRow(w.taskId, w.base));
    const submitted = insertWorkPackage(w.db, distinctRow(w.taskId, w.base));
    setPackageStatus(w.db, submitted, "SUBMITTED", "2026-11-30T11:00:00.000Z");
    const ids = (statuses: string[], projectId: number | null) =>
      listPackageCandidates(w.db, statuses, projectId).map((c) => c.id);
    expect(ids(["CREATED"], null)).toEqual([waiting]);
    expect(ids(["CREATED", "SUBMITTED"], w.projectId).sort()).toEqual([waiting, submitted].sort());
    expect(ids(["CREATED", "SUBMITTED"], w.projectId + 1)).toEqual([]);
    expect(ids([], null)).toEqual([]);
    const [candidate] = listPackageCandidates(w.db, ["SUBMITTED"], null);
    expect(candidate).toMatchObject({ id: submitted, task_id: w.taskId, project_id: w.projectId });
    expect(candidate!.updated_at).toBe("2026-11-30T11:00:00.000Z");
  });
});
