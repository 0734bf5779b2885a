import { isDelegationActive, type AgentFacts, type DelegationFacts } from "./authorization.js";
import type { Role } from "./roles.js";

/** One registration of the bound name: the project it is registered in and what it may be there. */
export interface Registration extends AgentFacts {
  projectId: number;
}

/** A delegation naming the bound name, with the project it belongs to. */
export interface ProjectDelegation extends DelegationFacts {
  projectId: number;
}

/**
 * The bound role checked against the ledger. `projectId` null means a call with no project
 * context: then any project that grants the role is enough, and a task-scoped delegation counts
 * whatever its task.
 */
export interface BindingQuery {
  actorName: string;
  boundRole: Role;
  projectId: number | null;
  taskId: number | null;
  registrations: readonly Registration[];
  delegations: readonly ProjectDelegation[];
  now: Date;
}

/** Roles the environment alone may declare: the human operator and the controller. */
const SELF_DECLARED: readonly Role[] = ["user", "codex"];

/** Registrations named in a refusal; the rest are counted. */
const LISTED_REGISTRATIONS = 5;

function registrationGrants(r: Registration, q: BindingQuery): boolean {
  return (q.projectId === null || r.projectId === q.projectId) && r.capabilities.includes(q.boundRole);
}

function delegationGrants(d: ProjectDelegation, q: BindingQuery): boolean {
  if (d.delegatedRole !== q.boundRole || d.substituteActor !== q.actorName) return false;
  if (q.projectId === null) return isDelegationActive(d, d.taskId, q.now);
  return d.projectId === q.projectId && isDelegationActive(d, q.taskId, q.now);
}

function describeRegistration(r: Registration): string {
  return `project ${r.projectId} as ${r.primaryRole} (capabilities ${r.capabilities.join(", ")})`;
}

function describeRegistrations(q: BindingQuery): string {
  const relevant =
    q.projectId === null ? q.registrations : q.registrations.filter((r) => r.projectId === q.projectId);
  if (relevant.length === 0) {
    return q.projectId === null
      ? `agent '${q.actorName}' is not registered in any project`
      : `agent '${q.actorName}' is not registered in project ${q.projectId}`;
  }
  const listed = relevant.slice(0, LISTED_REGISTRATIONS).map(describeRegistration).join("; ");
  const more = relevant.length - LISTED_REGISTRATIONS;
  return `agent '${q.actorName}' is registered in ${listed}${more > 0 ? `; and ${more} more` : ""}`;
}

/**
 * Identity is declared by the environment, authority comes from the ledger: a bound role other
 * than user or codex must be one of the name's registered capabilities (in the project acted
 * on) or granted to the name by an active delegation (for the task, when the delegation is
 * task-scoped). Returns the refusal, or null when the ledger grants the role.
 */
export function bindingRefusal(q: BindingQuery): string | null {
  if (SELF_DECLARED.includes(q.boundRole)) return null;
  if (q.registrations.some((r) => registrationGrants(r, q))) return null;
  if (q.delegations.some((d) => delegationGrants(d, q))) return null;
  const where = q.projectId === null ? "in any project" : `on project ${q.projectId}`;
  return (
    `ACTOR_ROLE_NOT_GRANTED: this server was started as '${q.actorName}' with role ${q.boundRole} ` +
    `(GRACE_ORCHESTRATOR_ACTOR_ROLE), but the ledger does not grant that role ${where}: ` +
    `${describeRegistrations(q)}, and no active delegation gives it ${q.boundRole}. ` +
    `Restart the server with a role the agent is registered for, or have codex register or delegate it.`
  );
}
