import { notOneOf, OrchestratorError } from "../domain/errors.js";
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
  type GateResult,
  type ProjectPolicy,
  type RepoReader,
} from "../gates/index.js";
import { resolveCommit } from "../git/commits.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { findAgent, type AgentRow } from "../ledger/tables/agents.js";
import type { ProjectRow } from "../ledger/tables/projects.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { insertWorkPackage, type NewPackageRow } from "../ledger/tables/work-packages.js";
import { agentFacts, loadPackage, loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { dispatchHook, scopeOf } from "./hooks.js";
import {
  buildExecutionPacket,
  compactReportFormat,
  defaultSessionRouting,
  parseAuthorityMode,
  resolveBackend,
  type Backend,
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
    throw notOneOf(`Work package creation under task ${task.id}`, "status", task.status, CREATE_FROM);
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

type Discovery = Record<string, unknown>;

interface AssignedWorkers {
  junior: AgentRow;
  pro: AgentRow;
  juniorBackend: Backend;
  proBackend: Backend;
}

/** What every step after the checks reads: the request, the rows it names and what the server found. */
interface PackageDraft {
  input: CreatePackageInput;
  task: TaskRow;
  project: ProjectRow;
  workers: AssignedWorkers;
  baseCommit: string;
  discovery: Discovery;
  /** The task's forbidden patterns joined with the package's own. */
  forbidden: string[];
}

type PacketFields = ReturnType<typeof packetFields>;

/** The junior must be available now; the pro is only checked for its role (its route opens later). */
function assignedWorkers(ctx: ServiceContext, projectId: number, input: CreatePackageInput): AssignedWorkers {
  const junior = requireAgent(ctx, projectId, input.assigned_junior_agent, "worker_junior", true);
  const pro = requireAgent(ctx, projectId, input.assigned_pro_agent, "worker_pro", false);
  return {
    junior,
    pro,
    juniorBackend: resolveBackend(junior, "worker_junior", agentFacts(junior).capabilities),
    proBackend: resolveBackend(pro, "worker_pro", agentFacts(pro).capabilities),
  };
}

/**
 * The server always discovers the contracts itself; a report GLM attaches may narrow the refs
 * but never claim ones the repository does not give for this scope.
 */
function checkedDiscovery(reader: RepoReader, policy: ProjectPolicy, input: CreatePackageInput): Discovery {
  const discovery = discoverContracts(reader, input.allowed_files, { policy }) as unknown as Discovery;
  requireGatePass("Contract discovery gate", validateContractDiscoveryReport(discovery));
  if (input.contract_discovery !== undefined) {
    requireGatePass("Contract discovery gate", validateContractDiscoveryReport(input.contract_discovery));
    requireGatePass("Contract discovery gate", suppliedRefIssues(input.contract_discovery, discovery));
  }
  return discovery;
}

/** The packet's operation fields: what the request gives, else defaults from the task, actor and discovery. */
function packetFields(ctx: ServiceContext, draft: PackageDraft) {
  const { input, task, project, discovery } = draft;
  const firstOf = (field: string) => {
    const list = discovery[field];
    return Array.isArray(list) && typeof list[0] === "string" ? list[0] : "";
  };
  const moduleId = input.module_id?.trim() || firstOf("module_refs");
  const verificationId = input.verification_id?.trim() || firstOf("verification_refs");
  const authorityMode = parseAuthorityMode(input.authority_mode, task.id);
  const codexRequired = input.codex_required ?? authorityMode !== "glm_direct";
  const branchWorktree = input.branch_worktree?.trim() || `${project.repo_path}@${project.main_branch}`;
  return {
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
}

/** Builds the execution packet and refuses the creation unless it passes its gate. */
function checkedPacket(draft: PackageDraft, fields: PacketFields, policy: ProjectPolicy): GateResult {
  const { input, task, workers } = draft;
  const packet = buildExecutionPacket({
    ...fields,
    taskId: task.id,
    objective: input.objective,
    allowed: input.allowed_files,
    forbidden: draft.forbidden,
    junior: workers.junior,
    juniorBackend: workers.juniorBackend,
    proBackend: workers.proBackend,
    discovery: draft.discovery,
    commandsAllowed: input.commands_allowed ?? [],
    retryBudget: input.retry_budget ?? 1,
    stopConditions: input.stop_conditions ?? [],
  });
  return requireGatePass(
    EXECUTION_PACKET_GATE_LABEL,
    validateExecutionPacket(packet, { policy, parentAllowed: scopeOf(task).allowed }),
  );
}

function packageRow(draft: PackageDraft, fields: PacketFields, now: string): NewPackageRow {
  const { input } = draft;
  return {
    task_id: draft.task.id,
    title: input.title,
    objective: input.objective,
    allowed_files_json: stableJson(input.allowed_files),
    forbidden_files_json: stableJson(draft.forbidden),
    assigned_junior_agent: draft.workers.junior.name,
    assigned_pro_agent: draft.workers.pro.name,
    operation_id: fields.operationId,
    authority_mode: fields.authorityMode,
    operation_root: fields.operationRoot,
    codex_required: fields.codexRequired ? 1 : 0,
    codex_instance_id: fields.codexInstanceId,
    glm_instance_id: fields.glmInstanceId,
    branch_worktree: fields.branchWorktree,
    glm_scan_plan_report_json: stableJson(fields.scanPlanReport),
    operation_isolation_json: stableJson(fields.operationIsolation),
    pro_api_assignment: fields.proApiAssignment,
    base_commit: draft.baseCommit,
    contract_discovery_json: stableJson(draft.discovery),
    test_surface_json: stableJson(fields.testSurface),
    rollback_boundary: fields.rollbackBoundary,
    compact_report_format_json: stableJson(fields.reportFormat),
    session_routing_json: stableJson(fields.sessionRouting),
    cache_anchor: fields.cacheAnchor,
    created_at: now,
    updated_at: now,
  };
}

/** The write step, inside the transaction: insert, audit the gate and the creation, hook, move the task. */
function insertAndAnnounce(
  ctx: ServiceContext,
  draft: PackageDraft,
  fields: PacketFields,
  packetResult: GateResult,
) {
  // Re-check inside the write lock: the task may have moved while git and the gates ran.
  const current = loadTask(ctx, draft.task.id);
  const role = checkCreatable(ctx, current);
  const id = insertWorkPackage(ctx.db, packageRow(draft, fields, nowIso(ctx)));
  audit(ctx, role, "gate.validate_execution_packet", "work_package", id, {
    status: packetResult.status,
    issues: packetResult.issues,
    warnings: packetResult.warnings,
  });
  audit(ctx, role, "work_package.created", "work_package", id, {
    title: draft.input.title,
    contract_discovery_status: draft.discovery["status"] ?? null,
  });
  dispatchHook(
    ctx,
    "on_workpackage_created",
    { projectId: draft.project.id, taskId: draft.task.id, packageId: id },
    {},
    role,
  );
  if (current.status === "GLM_TESTS_PREPARED" || current.status === "GLM_ACCEPTED") {
    transitionTask(ctx, current, "WORK_PACKAGES_CREATED", role, "task.work_packages_created");
  }
  return packageView(loadPackage(ctx, id));
}

/** workpackage.create: every gate runs before the one transaction that inserts. */
export async function createWorkPackage(ctx: ServiceContext, input: CreatePackageInput) {
  const task = loadTask(ctx, input.task_id);
  checkCreatable(ctx, task);
  checkPackageScope(task, input.allowed_files, input.forbidden_files);
  const project = loadProject(ctx, task.project_id);
  const workers = assignedWorkers(ctx, project.id, input);
  const baseCommit = await resolveCommit(project.repo_path, input.base_commit);
  const reader = new FsRepoReader(project.repo_path);
  const policy = loadPolicy(reader);
  const discovery = checkedDiscovery(reader, policy, input);
  const forbidden = [...new Set([...scopeOf(task).forbidden, ...input.forbidden_files])];
  const draft: PackageDraft = { input, task, project, workers, baseCommit, discovery, forbidden };
  const fields = packetFields(ctx, draft);
  const packetResult = checkedPacket(draft, fields, policy);
  return inTransaction(ctx.db, () => insertAndAnnounce(ctx, draft, fields, packetResult));
}
