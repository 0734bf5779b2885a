import { notPartOf } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import {
  FsRepoReader,
  discoverContracts,
  lintAgentInfra,
  loadPolicy,
  reviewAcceptance,
  validateExecutionPacket,
  validateWorkerReport,
} from "../gates/index.js";
import { inTransaction } from "../ledger/database.js";
import { taskReviewDecisions } from "../ledger/tables/reviews.js";
import { listPackagesOfTask } from "../ledger/tables/work-packages.js";
import { loadProject, loadTask, requireRole, requireWorker } from "./access.js";
import { audit, type ServiceContext } from "./context.js";
import { lintIfPolicy } from "./final-review.js";
import { scopeOf } from "./hooks.js";
import { latestSubmission, loadWork, validationStatusOf } from "./work-items.js";

/** Preflight gates: the same validators the lifecycle runs; each call is audited, nothing else changes. */

export interface DiscoveryInput {
  project_id: number;
  affected_files: string[];
  task_id?: number | undefined;
}

export function gateContractDiscovery(ctx: ServiceContext, input: DiscoveryInput) {
  const project = loadProject(ctx, input.project_id);
  let role: string;
  if (input.task_id === undefined) role = requireRole(ctx, "codex", project.id, null);
  else {
    const task = loadTask(ctx, input.task_id);
    if (task.project_id !== project.id) {
      throw notPartOf("task", task.id, "project", project.id, task.project_id);
    }
    role = requireRole(ctx, "glm", project.id, task.id);
  }
  const result = discoverContracts(new FsRepoReader(project.repo_path), input.affected_files);
  inTransaction(ctx.db, () =>
    audit(
      ctx,
      role,
      "gate.contract_discovery",
      input.task_id === undefined ? "project" : "task",
      input.task_id ?? project.id,
      { status: result.status, issues: result.issues, affected_files: result.affected_files },
    ),
  );
  return result;
}

export function gateExecutionPacket(ctx: ServiceContext, taskId: number, packet: Record<string, unknown>) {
  const task = loadTask(ctx, taskId);
  const role = requireRole(ctx, "glm", task.project_id, task.id);
  const policy = loadPolicy(new FsRepoReader(loadProject(ctx, task.project_id).repo_path));
  const result = validateExecutionPacket(packet, { policy, parentAllowed: scopeOf(task).allowed });
  inTransaction(ctx.db, () => audit(ctx, role, "gate.validate_execution_packet", "task", task.id, result));
  return result;
}

export interface ReportGateInput {
  work_package_id: number;
  worker_report: Record<string, unknown>;
  evidence_files?: string[] | undefined;
}

export function gateWorkerReport(ctx: ServiceContext, input: ReportGateInput) {
  const { pkg, task, project } = loadWork(ctx, input.work_package_id);
  let role: string;
  if (pkg.claimed_by_agent === ctx.actor.name) {
    const as: Role = pkg.status === "CLAIMED_JUNIOR" ? "worker_junior" : "worker_pro";
    const assigned = as === "worker_junior" ? pkg.assigned_junior_agent : pkg.assigned_pro_agent;
    role = requireWorker(ctx, as, task.project_id, task.id, assigned);
  } else role = requireRole(ctx, "glm", task.project_id, task.id);
  const { allowed, forbidden } = scopeOf(pkg);
  const result = validateWorkerReport(input.worker_report, {
    taskId: task.id,
    packageId: pkg.id,
    allowed,
    forbidden,
    ...(input.evidence_files !== undefined ? { evidenceFiles: input.evidence_files } : {}),
    policy: loadPolicy(new FsRepoReader(project.repo_path)),
  });
  inTransaction(ctx.db, () =>
    audit(ctx, role, "gate.validate_worker_report", "work_package", pkg.id, result),
  );
  return result;
}

export function gateAgentInfraLint(ctx: ServiceContext, projectId: number) {
  const project = loadProject(ctx, projectId);
  const role = requireRole(ctx, "glm", project.id, null);
  const result = lintAgentInfra(new FsRepoReader(project.repo_path));
  inTransaction(ctx.db, () => audit(ctx, role, "gate.agent_infra_lint", "project", project.id, result));
  return result;
}

export function gateAcceptanceReview(ctx: ServiceContext, taskId: number) {
  const task = loadTask(ctx, taskId);
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  const result = reviewAcceptance({
    taskStatus: task.status,
    packages: listPackagesOfTask(ctx.db, task.id).map((p) => ({
      id: p.id,
      status: p.status,
      latestSubmissionValidationStatus: validationStatusOf(latestSubmission(ctx, p.id)),
    })),
    taskReviewDecisions: taskReviewDecisions(ctx.db, task.id),
    agentInfraLint: lintIfPolicy(ctx, task),
  });
  inTransaction(ctx.db, () => audit(ctx, role, "gate.acceptance_review", "task", task.id, result));
  return result;
}
