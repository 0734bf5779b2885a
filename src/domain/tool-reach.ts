import { WORKER_ROLES, type Role } from "./roles.js";

/**
 * Tools whose service check needs an effective role that a server's bound role does not give by
 * itself: GLM's actions need `glm` (the bound role, or a live delegation), a worker's need the
 * worker capability of the claiming name. Every tool not named here is usable
 * by every role whose server registers it.
 */
const GLM: readonly Role[] = ["glm"];
const GLM_OR_WORKER: readonly Role[] = [...GLM, ...WORKER_ROLES];

export const TOOL_NEEDS: Readonly<Record<string, readonly Role[]>> = {
  "task.plan": GLM,
  "verification.register_plan": GLM,
  "grace.upsert_artifact": GLM,
  "gate.validate_execution_packet": GLM,
  "gate.agent_infra_lint": GLM,
  "workpackage.create": GLM,
  "workpackage.assign": GLM,
  "workpackage.cancel": GLM,
  "review.glm_submit": GLM,
  "mimo.launch_package": GLM,
  "mimo.poll_session": GLM,
  "mimo.cancel_session": GLM,
  "mimo.recover_prepared_session": GLM,
  "mimo.recover_orphaned_running_session": GLM,
  "mimo.record_tui_closed": GLM,
  "workpackage.claim": WORKER_ROLES,
  "submission.create": WORKER_ROLES,
  "handoff.report_worker_event": WORKER_ROLES,
  "gate.validate_worker_report": GLM_OR_WORKER,
  "repo.run_tests": GLM_OR_WORKER,
};

/** What the ledger says of one name: the capabilities of its registrations, its live delegations. */
export interface ReachFacts {
  primaryRole: Role;
  capabilities: readonly Role[];
  delegatedRoles: readonly Role[];
}

/**
 * Every role this name can act in now: its bound role, any live delegation, and any worker
 * capability a registration gives it (a worker acts by name and capability on the packages it is
 * assigned). Any other capability grants nothing by itself: it only lets role.delegate make this
 * name a substitute, so GLM's tools are listed for a non-GLM name only once it is delegated glm.
 */
export function reachableRoles(facts: ReachFacts): ReadonlySet<Role> {
  const workers = facts.capabilities.filter((role) => WORKER_ROLES.includes(role));
  return new Set([facts.primaryRole, ...facts.delegatedRoles, ...workers]);
}

/** Whether tools/list shows the tool to a name that can reach these roles. */
export function isReachable(tool: string, reachable: ReadonlySet<Role>): boolean {
  const needs = TOOL_NEEDS[tool];
  return needs === undefined || needs.some((role) => reachable.has(role));
}
