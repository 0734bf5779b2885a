import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** A work package exactly as stored. JSON columns stay strings here; projections decode them. */
export type PackageRow = {
  id: number;
  task_id: number;
  title: string;
  objective: string;
  allowed_files_json: string;
  forbidden_files_json: string;
  assigned_junior_agent: string | null;
  assigned_pro_agent: string | null;
  /** 1 once a recorded GLM rejection enabled the assigned worker_pro. */
  worker_pro_available: number;
  operation_id: string;
  authority_mode: string;
  operation_root: string;
  /** 1 or 0. */
  codex_required: number;
  codex_instance_id: string;
  glm_instance_id: string;
  branch_worktree: string;
  glm_scan_plan_report_json: string;
  operation_isolation_json: string;
  pro_api_assignment: string;
  base_commit: string;
  contract_discovery_json: string;
  test_surface_json: string;
  rollback_boundary: string;
  compact_report_format_json: string;
  session_routing_json: string;
  cache_anchor: string;
  status: string;
  claimed_by_agent: string | null;
  created_at: string;
  updated_at: string;
};

/** What a new package is inserted with: it starts CREATED, unclaimed, with worker_pro not yet enabled. */
export type NewPackageRow = Omit<PackageRow, "id" | "status" | "claimed_by_agent" | "worker_pro_available">;

/** A package the inbox may offer, with the task and project facts its item shows. */
export interface PackageCandidateRow {
  id: number;
  task_id: number;
  project_id: number;
  title: string;
  objective: string;
  status: string;
  assigned_junior_agent: string | null;
  assigned_pro_agent: string | null;
  claimed_by_agent: string | null;
  allowed_files_json: string;
  forbidden_files_json: string;
  base_commit: string;
  contract_discovery_json: string;
  test_surface_json: string;
  rollback_boundary: string;
  compact_report_format_json: string;
  updated_at: string;
  task_title: string;
  task_objective: string;
  architecture_intent: string;
  project_commands_json: string;
}

export function findWorkPackage(db: Db, id: number): PackageRow | undefined {
  return prepared(db, "SELECT * FROM work_packages WHERE id = ?").get(id) as PackageRow | undefined;
}

/** Every package of a task in id order, prepared once for a caller that reads many tasks in a loop. */
export function packagesOfTaskReader(db: Db): (taskId: number) => PackageRow[] {
  const statement = prepared(db, "SELECT * FROM work_packages WHERE task_id = ? ORDER BY id");
  return (taskId) => statement.all(taskId) as PackageRow[];
}

export function listPackagesOfTask(db: Db, taskId: number): PackageRow[] {
  return packagesOfTaskReader(db)(taskId);
}

/** The task a package belongs to, or null for an unknown package (one column: called on every tool call). */
export function taskIdOfPackage(db: Db, id: number): number | null {
  const row = prepared(db, "SELECT task_id FROM work_packages WHERE id = ?").get(id) as
    { task_id: number } | undefined;
  return row?.task_id ?? null;
}

/** The project and task of an existing package. */
export function packageOwners(db: Db, id: number): { projectId: number; taskId: number } {
  return prepared(
    db,
    "SELECT t.project_id AS projectId, t.id AS taskId FROM work_packages w JOIN tasks t ON t.id = w.task_id WHERE w.id = ?",
  ).get(id) as { projectId: number; taskId: number };
}

/** Packages in one of `statuses`, of one project or (null) of all. */
export function listPackageCandidates(
  db: Db,
  statuses: readonly string[],
  projectId: number | null,
): PackageCandidateRow[] {
  return prepared(
    db,
    `SELECT w.id, w.task_id, t.project_id, w.title, w.objective, w.status, w.assigned_junior_agent,
              w.assigned_pro_agent, w.claimed_by_agent, w.allowed_files_json, w.forbidden_files_json,
              w.base_commit, w.contract_discovery_json, w.test_surface_json, w.rollback_boundary,
              w.compact_report_format_json, w.updated_at, t.title AS task_title,
              t.objective AS task_objective, t.architecture_intent,
              p.allowed_test_commands_json AS project_commands_json
       FROM work_packages w JOIN tasks t ON t.id = w.task_id JOIN projects p ON p.id = t.project_id
       WHERE w.status IN (SELECT value FROM json_each(@statuses)) AND (@project IS NULL OR t.project_id = @project)`,
  ).all({ statuses: JSON.stringify(statuses), project: projectId }) as PackageCandidateRow[];
}

/** A task's event count: the sum of its packages' highest seq (one index probe per package). */
export function taskEventCount(db: Db, taskId: number): number {
  const row = prepared(
    db,
    `SELECT COALESCE(SUM((SELECT MAX(seq) FROM handoff_events e WHERE e.work_package_id = p.id)), 0) AS n
       FROM work_packages p WHERE p.task_id = ?`,
  ).get(taskId) as { n: number };
  return row.n;
}

/** Inserts a new package in status CREATED and returns its id. */
export function insertWorkPackage(db: Db, row: NewPackageRow): number {
  const result = prepared(
    db,
    `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json,
         assigned_junior_agent, assigned_pro_agent, operation_id, authority_mode, operation_root, codex_required,
         codex_instance_id, glm_instance_id, branch_worktree, glm_scan_plan_report_json, operation_isolation_json,
         pro_api_assignment, base_commit, contract_discovery_json, test_surface_json, rollback_boundary,
         compact_report_format_json, session_routing_json, cache_anchor, status, created_at, updated_at)
       VALUES (@task_id, @title, @objective, @allowed_files_json, @forbidden_files_json,
         @assigned_junior_agent, @assigned_pro_agent, @operation_id, @authority_mode, @operation_root, @codex_required,
         @codex_instance_id, @glm_instance_id, @branch_worktree, @glm_scan_plan_report_json, @operation_isolation_json,
         @pro_api_assignment, @base_commit, @contract_discovery_json, @test_surface_json, @rollback_boundary,
         @compact_report_format_json, @session_routing_json, @cache_anchor, 'CREATED', @created_at, @updated_at)`,
  ).run(row);
  return Number(result.lastInsertRowid);
}

export function setPackageStatus(db: Db, id: number, status: string, now: string): void {
  prepared(db, "UPDATE work_packages SET status = @status, updated_at = @now WHERE id = @id").run({
    id,
    status,
    now,
  });
}

/** Back to CREATED with no claimer, as an administrative reset leaves it. */
export function resetPackageToCreated(db: Db, id: number, now: string): void {
  prepared(
    db,
    "UPDATE work_packages SET status = 'CREATED', claimed_by_agent = NULL, updated_at = ? WHERE id = ?",
  ).run(now, id);
}

export function setJuniorAgent(db: Db, id: number, agentName: string, now: string): void {
  prepared(
    db,
    "UPDATE work_packages SET assigned_junior_agent = @agent, updated_at = @now WHERE id = @id",
  ).run({
    id,
    agent: agentName,
    now,
  });
}

/** Records who claimed the package; updated_at is left to the status change that goes with a claim. */
export function setClaimedBy(db: Db, id: number, agentName: string): void {
  prepared(db, "UPDATE work_packages SET claimed_by_agent = ? WHERE id = ?").run(agentName, id);
}

/** Lets the assigned worker_pro claim the package (after a recorded GLM rejection). */
export function enableWorkerPro(db: Db, id: number): void {
  prepared(db, "UPDATE work_packages SET worker_pro_available = 1 WHERE id = ?").run(id);
}
