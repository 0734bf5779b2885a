import { delegationRefusal } from "../domain/authorization.js";
import { OrchestratorError, notFound, notOneOf, notPartOf } from "../domain/errors.js";
import { isRole, ROLES } from "../domain/roles.js";
import { inTransaction } from "../ledger/database.js";
import { findAgent, listAgents } from "../ledger/tables/agents.js";
import {
  findDelegation,
  insertDelegation,
  markDelegationRevoked,
  type DelegationRow,
} from "../ledger/tables/role-delegations.js";
import { agentFacts, loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";

export interface DelegateInput {
  project_id: number;
  task_id: number | null;
  unavailable_role: string;
  substitute_actor: string;
  reason: string;
  expires_at: string;
}

const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Naive ISO-8601 timestamps are read as UTC; the result is stored as UTC ISO. */
export function parseExpiry(text: string): Date {
  const m = ISO_8601.exec(text.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new OrchestratorError(
      `Role delegation requires an ISO-8601 expires_at (e.g. 2030-01-31T12:00:00Z), got '${text}'`,
    );
  return new Date(ms);
}

function loadDelegation(ctx: ServiceContext, id: number): DelegationRow {
  const row = findDelegation(ctx.db, id);
  if (!row) throw notFound("role delegation", id);
  return row;
}

export function delegateRole(ctx: ServiceContext, input: DelegateInput): DelegationRow {
  if (!isRole(input.unavailable_role)) {
    throw notOneOf(
      `Role delegation on project ${input.project_id}`,
      "unavailable_role",
      input.unavailable_role,
      ROLES,
    );
  }
  const role = input.unavailable_role;
  const expires = parseExpiry(input.expires_at);
  if (expires.getTime() <= ctx.clock().getTime()) {
    throw new OrchestratorError(`Role delegation expiry must be in the future: ${input.expires_at}`);
  }
  if (!input.reason.trim()) throw new OrchestratorError("Role delegation requires a non-empty reason");
  return inTransaction(ctx.db, () => {
    loadProject(ctx, input.project_id);
    const taskProject = input.task_id === null ? input.project_id : loadTask(ctx, input.task_id).project_id;
    if (input.task_id !== null && taskProject !== input.project_id) {
      throw notPartOf("task", input.task_id, "project", input.project_id, taskProject);
    }
    const effective = requireRole(ctx, "codex", input.project_id, input.task_id);
    const substitute = findAgent(ctx.db, input.project_id, input.substitute_actor);
    const refusal = delegationRefusal({
      role,
      substituteName: input.substitute_actor,
      substitute: substitute ? agentFacts(substitute) : null,
      projectAgents: listAgents(ctx.db, input.project_id).map(agentFacts),
    });
    if (refusal) throw new OrchestratorError(refusal);
    const id = insertDelegation(ctx.db, {
      project_id: input.project_id,
      task_id: input.task_id,
      unavailable_role: role,
      substitute_actor: input.substitute_actor,
      delegated_role: role,
      reason: input.reason.trim(),
      expires_at: expires.toISOString(),
      created_by_actor: ctx.actor.name,
      created_at: nowIso(ctx),
    });
    audit(ctx, effective, "role.delegated", "role_delegation", id, {
      unavailable_role: role,
      delegated_role: role,
      substitute_actor: input.substitute_actor,
      reason: input.reason.trim(),
      expires_at: expires.toISOString(),
      task_id: input.task_id,
    });
    return loadDelegation(ctx, id);
  });
}

/** Ends a delegation before it expires (the predecessor had no way to do this). */
export function revokeDelegation(ctx: ServiceContext, delegationId: number, reason: string): DelegationRow {
  if (!reason.trim()) throw new OrchestratorError("Revoking a delegation requires a non-empty reason");
  return inTransaction(ctx.db, () => {
    const row = loadDelegation(ctx, delegationId);
    const effective = requireRole(ctx, "codex", row.project_id, row.task_id);
    if (row.revoked_at !== null) return row;
    markDelegationRevoked(ctx.db, {
      id: delegationId,
      revoked_at: nowIso(ctx),
      revoked_by_actor: ctx.actor.name,
      revoke_reason: reason.trim(),
    });
    audit(ctx, effective, "role.revoked", "role_delegation", delegationId, {
      substitute_actor: row.substitute_actor,
      delegated_role: row.delegated_role,
      reason: reason.trim(),
    });
    return loadDelegation(ctx, delegationId);
  });
}
