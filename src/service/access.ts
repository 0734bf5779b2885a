import {
  decideEffectiveRole,
  decideWorker,
  type AgentFacts,
  type Decision,
  type DelegationFacts,
} from "../domain/authorization.js";
import { bindingRefusal } from "../domain/binding.js";
import type { ReachFacts } from "../domain/tool-reach.js";
import { OrchestratorError, notFound } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { parseJson } from "../ledger/json.js";
import { findAgent, listRegistrationsOf, type AgentRow } from "../ledger/tables/agents.js";
import { findProject, type ProjectRow } from "../ledger/tables/projects.js";
import {
  listDelegationsFor,
  listDelegationsNaming,
  type DelegationRow,
} from "../ledger/tables/role-delegations.js";
import { findTask, type TaskRow } from "../ledger/tables/tasks.js";
import { findWorkPackage, listPackagesOfTask, type PackageRow } from "../ledger/tables/work-packages.js";
import type { ServiceContext } from "./context.js";

export function agentFacts(row: AgentRow): AgentFacts {
  return {
    name: row.name,
    primaryRole: row.primary_role as Role,
    capabilities: parseJson<Role[]>(row.capabilities_json, []),
    availability: row.availability,
  };
}

function delegationOf(d: DelegationRow): DelegationFacts {
  return {
    id: d.id,
    taskId: d.task_id,
    substituteActor: d.substitute_actor,
    delegatedRole: d.delegated_role as Role,
    expiresAt: d.expires_at,
    revokedAt: d.revoked_at,
  };
}

function delegationFacts(ctx: ServiceContext, projectId: number): DelegationFacts[] {
  return listDelegationsFor(ctx.db, projectId, ctx.actor.name).map(delegationOf);
}

/**
 * Why the ledger does not grant the role this server was started with, or null when it does.
 * With a project, that project's registration or delegations must grant it; without one (a tool
 * with no project context), any project's will do.
 */
export function bindingProblem(
  ctx: ServiceContext,
  projectId: number | null = null,
  taskId: number | null = null,
): string | null {
  const role = ctx.actor.primaryRole;
  if (role === "user" || role === "codex") return null;
  const name = ctx.actor.name;
  return bindingRefusal({
    actorName: name,
    boundRole: role,
    projectId,
    taskId,
    registrations: listRegistrationsOf(ctx.db, name).map((a) => ({
      ...agentFacts(a),
      projectId: a.project_id,
    })),
    delegations: listDelegationsNaming(ctx.db, name).map((d) => ({
      ...delegationOf(d),
      projectId: d.project_id,
    })),
    now: ctx.clock(),
  });
}

/** Refuses any use of a bound role the ledger does not give this name (see bindingProblem). */
export function requireBinding(ctx: ServiceContext, projectId: number | null, taskId: number | null): void {
  const problem = bindingProblem(ctx, projectId, taskId);
  if (problem !== null) throw new OrchestratorError(problem);
}

/** What the ledger says about the bound actor in one project: its registration and delegations to it. */
export interface ActorProjectFacts {
  agent: AgentFacts | null;
  delegations: DelegationFacts[];
}

export function actorProjectFacts(ctx: ServiceContext, projectId: number): ActorProjectFacts {
  const agent = findAgent(ctx.db, projectId, ctx.actor.name);
  return { agent: agent ? agentFacts(agent) : null, delegations: delegationFacts(ctx, projectId) };
}

/** The effective-role question for the bound actor, from facts already read. */
export function roleQuery(
  ctx: ServiceContext,
  requiredRole: Role,
  at: { projectId: number; taskId: number | null },
  facts: ActorProjectFacts,
) {
  return {
    actorName: ctx.actor.name,
    actorPrimaryRole: ctx.actor.primaryRole,
    requiredRole,
    projectId: at.projectId,
    taskId: at.taskId,
    ...facts,
    now: ctx.clock(),
  };
}

function query(ctx: ServiceContext, requiredRole: Role, projectId: number, taskId: number | null) {
  return roleQuery(ctx, requiredRole, { projectId, taskId }, actorProjectFacts(ctx, projectId));
}

export function effectiveRoleDecision(
  ctx: ServiceContext,
  role: Role,
  projectId: number,
  taskId: number | null,
): Decision {
  return decideEffectiveRole(query(ctx, role, projectId, taskId));
}

/** Effective-role check; returns the role the actor acts in. */
export function requireRole(ctx: ServiceContext, role: Role, projectId: number, taskId: number | null): Role {
  requireBinding(ctx, projectId, taskId);
  const decision = effectiveRoleDecision(ctx, role, projectId, taskId);
  if (!decision.granted) throw new OrchestratorError(decision.reason);
  return role;
}

/** Exact-assignment check for worker actions. */
export function requireWorker(
  ctx: ServiceContext,
  role: Role,
  projectId: number,
  taskId: number,
  assignedAgent: string | null,
): Role {
  requireBinding(ctx, projectId, taskId);
  const decision = decideWorker({ ...query(ctx, role, projectId, taskId), assignedAgent });
  if (!decision.granted) throw new OrchestratorError(decision.reason);
  return role;
}

export function requirePrimary(ctx: ServiceContext, roles: readonly Role[], message: string): Role {
  if (!roles.includes(ctx.actor.primaryRole)) throw new OrchestratorError(message);
  return ctx.actor.primaryRole;
}

export function loadProject(ctx: ServiceContext, id: number): ProjectRow {
  const row = findProject(ctx.db, id);
  if (!row) throw notFound("project", id);
  return row;
}

export function loadTask(ctx: ServiceContext, id: number): TaskRow {
  const row = findTask(ctx.db, id);
  if (!row) throw notFound("task", id);
  return row;
}

const WORKERS: readonly Role[] = ["worker_junior", "worker_pro"];

/** Read authorization for a task. */
export function requireTaskRead(ctx: ServiceContext, task: TaskRow): void {
  const role = ctx.actor.primaryRole;
  if (role === "user" || role === "codex") return;
  requireBinding(ctx, task.project_id, task.id);
  if (WORKERS.includes(role)) {
    const name = ctx.actor.name;
    const involved = listPackagesOfTask(ctx.db, task.id).some(
      (p) => p.assigned_junior_agent === name || p.assigned_pro_agent === name || p.claimed_by_agent === name,
    );
    if (!involved) {
      throw new OrchestratorError(
        `Worker role ${role} is not authorized to read task ${task.id}: it is not assigned to any of its packages`,
      );
    }
    return;
  }
  requireProjectMember(ctx, task.project_id, task.id);
}

/** glm / test_owner read a project only while registered (or delegated) in their own role. */
export function requireProjectMember(ctx: ServiceContext, projectId: number, taskId: number | null): void {
  const role = ctx.actor.primaryRole;
  if (role === "user" || role === "codex") return;
  requireBinding(ctx, projectId, taskId);
  if (WORKERS.includes(role)) {
    throw new OrchestratorError(`Worker role ${role} is not authorized to read project details`);
  }
  requireRole(ctx, role, projectId, taskId);
}

export function loadPackage(ctx: ServiceContext, id: number): PackageRow {
  const row = findWorkPackage(ctx.db, id);
  if (!row) throw notFound("work package", id);
  return row;
}

/** Read authorization for one package: workers only for packages they are assigned to or claimed. */
export function requirePackageRead(ctx: ServiceContext, pkg: PackageRow, task: TaskRow): void {
  const role = ctx.actor.primaryRole;
  requireBinding(ctx, task.project_id, task.id);
  if (WORKERS.includes(role)) {
    const name = ctx.actor.name;
    if (
      pkg.assigned_junior_agent !== name &&
      pkg.assigned_pro_agent !== name &&
      pkg.claimed_by_agent !== name
    ) {
      throw new OrchestratorError(`Worker role ${role} is not authorized to read work package ${pkg.id}`);
    }
    return;
  }
  requireProjectMember(ctx, task.project_id, task.id);
}

/** What tools/list needs of the ledger: every capability and live delegation of the bound name. */
export function reachFactsOf(ctx: ServiceContext): ReachFacts {
  const now = ctx.clock().getTime();
  return {
    primaryRole: ctx.actor.primaryRole,
    capabilities: listRegistrationsOf(ctx.db, ctx.actor.name).flatMap((a) => agentFacts(a).capabilities),
    delegatedRoles: listDelegationsNaming(ctx.db, ctx.actor.name)
      .filter((d) => d.revoked_at === null && Date.parse(d.expires_at) > now)
      .map((d) => d.delegated_role as Role),
  };
}
