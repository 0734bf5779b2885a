import type { Role } from "./roles.js";

/** What the ledger knows about one registered agent, as the rules need it. */
export interface AgentFacts {
  name: string;
  primaryRole: Role;
  capabilities: readonly Role[];
  availability: "available" | "unavailable";
}

export interface DelegationFacts {
  id: number;
  taskId: number | null;
  substituteActor: string;
  delegatedRole: Role;
  expiresAt: string;
  revokedAt: string | null;
}

export interface EffectiveRoleQuery {
  actorName: string;
  actorPrimaryRole: Role;
  requiredRole: Role;
  projectId: number;
  /** When the operation concerns a task, task-scoped delegations apply too (null: project-wide ones only). */
  taskId: number | null;
  /** The actor's own registration in the project, if any. */
  agent: AgentFacts | null;
  /** Delegations of the project naming this actor as substitute. */
  delegations: readonly DelegationFacts[];
  now: Date;
}

export type Decision =
  | { granted: true; via: "primary" | "registered" | "delegation" | "assignment"; delegationId?: number }
  | { granted: false; reason: string };

const UNREGISTERED_PRIMARY: readonly Role[] = ["user", "codex"];

export function isDelegationActive(d: DelegationFacts, taskId: number | null, now: Date): boolean {
  if (d.revokedAt !== null) return false;
  if (d.taskId !== null && d.taskId !== taskId) return false;
  const expires = Date.parse(d.expiresAt);
  return Number.isFinite(expires) && expires > now.getTime();
}

/** Primary role (with registration for non-controller roles), else an active delegation. */
export function decideEffectiveRole(q: EffectiveRoleQuery): Decision {
  if (q.actorPrimaryRole === q.requiredRole) {
    if (UNREGISTERED_PRIMARY.includes(q.requiredRole)) return { granted: true, via: "primary" };
    // Registered means registered with this role: a name is not trusted for whatever role its
    // environment claims.
    const agent = q.agent;
    if (agent !== null && agent.availability === "available" && agent.capabilities.includes(q.requiredRole)) {
      return { granted: true, via: "registered" };
    }
  }
  const delegation = q.delegations.find(
    (d) =>
      d.substituteActor === q.actorName &&
      d.delegatedRole === q.requiredRole &&
      isDelegationActive(d, q.taskId, q.now),
  );
  if (delegation) return { granted: true, via: "delegation", delegationId: delegation.id };
  return {
    granted: false,
    reason: `Actor '${q.actorName}' is not authorized for role ${q.requiredRole} on project ${q.projectId}`,
  };
}

export interface WorkerQuery extends EffectiveRoleQuery {
  /** The package's assigned agent for the required worker role. */
  assignedAgent: string | null;
}

/** Worker actions are authorized by exact assignment, by name. */
export function decideWorker(q: WorkerQuery): Decision {
  if (q.agent === null) {
    return { granted: false, reason: `Agent '${q.actorName}' is not registered in project ${q.projectId}` };
  }
  if (q.agent.availability !== "available") {
    return { granted: false, reason: `Assigned agent '${q.actorName}' is not available` };
  }
  if (!q.agent.capabilities.includes(q.requiredRole)) {
    return { granted: false, reason: `Assigned agent '${q.actorName}' lacks capability ${q.requiredRole}` };
  }
  if (q.assignedAgent === q.actorName) return { granted: true, via: "assignment" };
  return decideEffectiveRole(q);
}

export interface DelegationRequest {
  role: Role;
  /** The name the caller gave, for the refusal when no agent has it. */
  substituteName: string;
  substitute: AgentFacts | null;
  /** Every agent of the project, to find an available owner of the role. */
  projectAgents: readonly AgentFacts[];
}

/** Owners of a role: who already holds it, so a delegation would be pointless or a power grab. */
function ownsRole(agent: AgentFacts, role: Role): boolean {
  if (role === "test_owner") return agent.primaryRole === "glm" || agent.primaryRole === "test_owner";
  return agent.primaryRole === role;
}

/** The rules a new delegation must satisfy; returns the refusal, or null. */
export function delegationRefusal(r: DelegationRequest): string | null {
  if (r.role === "codex") return "Codex authority cannot be delegated";
  if (r.substitute === null)
    return `Fallback substitute '${r.substituteName}' is not a registered agent of the project`;
  const s = r.substitute;
  if (s.availability !== "available") return `Fallback substitute '${s.name}' is not available`;
  if (!s.capabilities.includes(r.role)) return `Fallback substitute '${s.name}' lacks capability ${r.role}`;
  if (s.primaryRole === "worker_junior") return "Junior agents cannot receive fallback delegation";
  const owner = r.projectAgents.find((a) => a.availability === "available" && ownsRole(a, r.role));
  if (owner) return `Cannot delegate ${r.role}: an assigned available agent already owns that role`;
  return null;
}
