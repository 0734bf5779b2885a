import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { isPatternWithinScope, scopePatternIssues } from "../domain/scope.js";
import {
  EXECUTION_PACKET_GATE_LABEL,
  FsRepoReader,
  discoverContracts,
  loadPolicy,
  gateResult,
  requireGatePass,
  validateContractDiscoveryReport,
  validateExecutionPacket,
} from "../gates/index.js";
import { resolveCommit } from "../git/commits.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { findAgent, type AgentRow, type TaskRow } from "../ledger/rows.js";
import { agentFacts, loadPackage, loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { dispatchHook, scopeOf } from "./hooks.js";
import {
  buildExecutionPacket,
  compactReportFormat,
  defaultSessionRouting,
  parseAuthorityMode,
  resolveBackend,
} from "./package-packet.js";
import { packageView } from "./projections.js";
import { transitionTask } from "./transitions.js";

export interface CreatePackageInput {
  task_id: number;
  title: string;
  objective: string;
  allowed_files: string[];
  forbidden_files: string[];
  assigned_junior_agent: string;
  assigned_pro_agent: string;
  base_commit: string;
  contract_discovery?: Record<string, unknown> | undefined;
  test_surface?: string[] | undefined;
  rollback_boundary?: string | undefined;
  compact_report_format?: string[] | undefined;
  module_id?: string | undefined;
  verification_id?: string | undefined;
  commands_allowed?: string[] | undefined;
  session_routing?: Record<string, unknown> | undefined;
  cache_anchor?: string | undefined;
  retry_budget?: number | undefined;
  stop_conditions?: string[] | undefined;
  operation_id?: string | undefined;
  authority_mode?: string | undefined;
  operation_root?: string | undefined;
  codex_required?: boolean | null | undefined;
  codex_instance_id?: string | undefined;
  glm_instance_id?: string | undefined;
  branch_worktree?: string | undefined;
  glm_scan_plan_report?: Record<string, unknown> | undefined;
  operation_isolation?: Record<string, unknown> | undefined;
  pro_api_assignment?: string | undefined;
}

const CREATE_FROM = ["GLM_TESTS_PREPARED", "WORK_PACKAGES_CREATED", "GLM_ACCEPTED"];

/** A registered agent of the project holding `role`; availability only where the action needs it. */
export function requireAgent(
  ctx: ServiceContext,
  projectId: number,
  name: string,
  role: Role,
  mustBeAvailable: boolean,
): AgentRow {
  const agent = findAgent(ctx.db, projectId, name);
  if (!agent) throw new OrchestratorError(`Agent '${name}' is not registered in project ${projectId}`);
  if (mustBeAvailable && agent.availability !== "available") {
    throw new OrchestratorError(`Assigned agent '${name}' is not available`);
  }
  if (!agentFacts(agent).capabilities.includes(role)) {
    throw new OrchestratorError(`Assigned agent '${name}' lacks capability ${role}`);
  }
  return agent;
}

function checkCreatable(ctx: ServiceContext, task: TaskRow): string {
  const role = requireRole(ctx, "glm", task.project_id, task.id);
  if (!CREATE_FROM.includes(task.status)) {
    throw new OrchestratorError(
      `Work package creation requires task status GLM_TESTS_PREPARED, WORK_PACKAGES_CREATED, or GLM_ACCEPTED (task is ${task.status})`,
    );
  }
  return role;
}

function checkPackageScope(task: TaskRow, allowed: readonly string[], forbidden: readonly string[]): void {
  const issue = [
    ...scopePatternIssues("Work-package allowed", allowed),
    ...scopePatternIssues("Work-package forbidden", forbidden),
  ][0];
  if (issue !== undefined) throw new OrchestratorError(issue);
  const parent = scopeOf(task).allowed;
  if (allowed.length === 0 || !allowed.every((p) => isPatternWithinScope(p, parent))) {
    throw new OrchestratorError("Work package scope must be a subset of its parent task scope");
  }
}

/** workpackage.create: every gate runs before the one transaction that inserts. */
const REF_FIELDS = ["module_refs", "verification_refs", "rule_refs"] as const;

function suppliedRefIssues(supplied: Record<string, unknown>, server: Record<string, unknown>) {
  const issues: string[] = [];
  for (const field of REF_FIELDS) {
    const found = new Set(Array.isArray(server[field]) ? (server[field] as unknown[]).map(String) : []);
    const claimed = Array.isArray(supplied[field]) ? (supplied[field] as unknown[]).map(String) : [];
    for (const ref of claimed.filter((r) => !found.has(r))) {
      issues.push(
        `Supplied ${field} entry ${ref} is not found by the server's discovery of the package scope`,
      );
    }
  }
  return gateResult(issues);
}

export async function createWorkPackage(ctx: ServiceContext, input: CreatePackageInput) {
  const task = loadTask(ctx, input.task_id);
  checkCreatable(ctx, task);
  checkPackageScope(task, input.allowed_files, input.forbidden_files);
  const project = loadProject(ctx, task.project_id);
  const junior = requireAgent(ctx, project.id, input.assigned_junior_agent, "worker_junior", true);
  const pro = requireAgent(ctx, project.id, input.assigned_pro_agent, "worker_pro", false);
  const juniorBackend = resolveBackend(junior, "worker_junior", agentFacts(junior).capabilities);
  const proBackend = resolveBackend(pro, "worker_pro", agentFacts(pro).capabilities);
  const baseCommit = await resolveCommit(project.repo_path, input.base_commit);

  const reader = new FsRepoReader(project.repo_path);
  const policy = loadPolicy(reader);
  // The server always discovers the contracts itself; a report GLM attaches may narrow the refs
  // but never claim ones the repository does not give for this scope.
  const discovery = discoverContracts(reader, input.allowed_files, { policy }) as unknown as Record<
    string,
    unknown
  >;
  requireGatePass("Contract discovery gate", validateContractDiscoveryReport(discovery));
  if (input.contract_discovery !== undefined) {
    requireGatePass("Contract discovery gate", validateContractDiscoveryReport(input.contract_discovery));
    requireGatePass("Contract discovery gate", suppliedRefIssues(input.contract_discovery, discovery));
  }

  const firstOf = (field: string) => {
    const list = discovery[field];
    return Array.isArray(list) && typeof list[0] === "string" ? list[0] : "";
  };
  const moduleId = input.module_id?.trim() || firstOf("module_refs");
  const verificationId = input.verification_id?.trim() || firstOf("verification_refs");
  const authorityMode = parseAuthorityMode(input.authority_mode);
  const codexRequired = input.codex_required ?? authorityMode !== "glm_direct";
  const branchWorktree = input.branch_worktree?.trim() || `${project.repo_path}@${project.main_branch}`;
  const forbidden = [...new Set([...scopeOf(task).forbidden, ...input.forbidden_files])];
  const fields = {
    operationId: input.operation_id?.trim() || `task-${task.id}`,
    authorityMode,
    operationRoot: input.operation_root?.trim() || ctx.actor.name,
    codexRequired,
    codexInstanceId: input.codex_instance_id?.trim() || (codexRequired ? "codex" : "not-required"),
    glmInstanceId: input.glm_instance_id?.trim() || ctx.actor.name,
    branchWorktree,
    moduleId,
    verificationId,
    proApiAssignment: input.pro_api_assignment ?? "",
    scanPlanReport: input.glm_scan_plan_report ?? {
      status: "not_supplied",
      reason: "GLM did not attach a separate scan/plan report; the contract discovery report stands in",
    },
    operationIsolation: input.operation_isolation ?? {
      status: "single_operation_workspace",
      branch_worktree: branchWorktree,
    },
    cacheAnchor:
      input.cache_anchor?.trim() || `GRACE:${moduleId || "unresolved"}:${verificationId || "unresolved"}`,
    sessionRouting: input.session_routing ?? defaultSessionRouting(moduleId),
    reportFormat: compactReportFormat(input.compact_report_format),
    testSurface: input.test_surface ?? [],
    rollbackBoundary: input.rollback_boundary ?? "",
  };
  const packet = buildExecutionPacket({
    ...fields,
    taskId: task.id,
    objective: input.objective,
    allowed: input.allowed_files,
    forbidden,
    junior,
    juniorBackend,
    proBackend,
    discovery,
    commandsAllowed: input.commands_allowed ?? [],
    retryBudget: input.retry_budget ?? 1,
    stopConditions: input.stop_conditions ?? [],
  });
  const packetResult = requireGatePass(
    EXECUTION_PACKET_GATE_LABEL,
    validateExecutionPacket(packet, { policy, parentAllowed: scopeOf(task).allowed }),
  );

  return inTransaction(ctx.db, () => {
    // Re-check inside the write lock: the task may have moved while git and the gates ran.
    const current = loadTask(ctx, task.id);
    const role = checkCreatable(ctx, current);
    const now = nowIso(ctx);
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO work_packages (task_id, title, objective, allowed_files_json, forbidden_files_json,
             assigned_junior_agent, assigned_pro_agent, operation_id, authority_mode, operation_root, codex_required,
             codex_instance_id, glm_instance_id, branch_worktree, glm_scan_plan_report_json, operation_isolation_json,
             pro_api_assignment, base_commit, contract_discovery_json, test_surface_json, rollback_boundary,
             compact_report_format_json, session_routing_json, cache_anchor, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'CREATED', ?, ?)`,
        )
        .run(
          task.id,
          input.title,
          input.objective,
          stableJson(input.allowed_files),
          stableJson(forbidden),
          junior.name,
          pro.name,
          fields.operationId,
          fields.authorityMode,
          fields.operationRoot,
          fields.codexRequired ? 1 : 0,
          fields.codexInstanceId,
          fields.glmInstanceId,
          fields.branchWorktree,
          stableJson(fields.scanPlanReport),
          stableJson(fields.operationIsolation),
          fields.proApiAssignment,
          baseCommit,
          stableJson(discovery),
          stableJson(fields.testSurface),
          fields.rollbackBoundary,
          stableJson(fields.reportFormat),
          stableJson(fields.sessionRouting),
          fields.cacheAnchor,
          now,
          now,
        ).lastInsertRowid,
    );
    audit(ctx, role, "gate.validate_execution_packet", "work_package", id, {
      status: packetResult.status,
      issues: packetResult.issues,
      warnings: packetResult.warnings,
    });
    audit(ctx, role, "work_package.created", "work_package", id, {
      title: input.title,
      contract_discovery_status: discovery["status"] ?? null,
    });
    dispatchHook(
      ctx,
      "on_workpackage_created",
      { projectId: project.id, taskId: task.id, packageId: id },
      {},
      role,
    );
    if (current.status === "GLM_TESTS_PREPARED" || current.status === "GLM_ACCEPTED") {
      transitionTask(ctx, current, "WORK_PACKAGES_CREATED", role, "task.work_packages_created");
    }
    return packageView(loadPackage(ctx, id));
  });
}
