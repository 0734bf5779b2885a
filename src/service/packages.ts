import { notOneOf, oneOf, OrchestratorError } from "../domain/errors.js";
import { canTransitionPackage, PACKAGE_STATUSES } from "../domain/package-states.js";
import type { Role } from "../domain/roles.js";
import { inTransaction } from "../ledger/database.js";
import { selectRepairRoute } from "../mimo/repair-route.js";
import { findAgent } from "../ledger/tables/agents.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import {
  listPackagesOfTask,
  setClaimedBy,
  setJuniorAgent,
  type PackageRow,
} from "../ledger/tables/work-packages.js";
import { agentFacts, loadPackage, loadTask, requireRole, requireWorker } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { emitEvent } from "./handoff.js";
import { requireAgent } from "./package-create.js";
import { packageView } from "./projections.js";
import { taskProjection } from "./tasks.js";
import { transitionPackage, transitionTask } from "./transitions.js";
import { livePackages, loadWork, pkgStatus } from "./work-items.js";

const PACKAGE_PHASE = ["WORK_PACKAGES_CREATED", "WORK_PACKAGES_ASSIGNED", "GLM_REJECTED_REPAIR_REQUIRED"];
/** Task statuses in which a created package may be assigned. */
const PACKAGED: readonly string[] = ["WORK_PACKAGES_CREATED", "WORK_PACKAGES_ASSIGNED"];
/** Only before a claim: an unclaimed package changes hands. */
const REASSIGNABLE: readonly string[] = ["CREATED", "ASSIGNED"];

function nonEmptyReason(reason: string, message: string): string {
  const text = reason.trim();
  if (!text) throw new OrchestratorError(message);
  return text;
}

export function assignPackage(ctx: ServiceContext, packageId: number) {
  return inTransaction(ctx.db, () => {
    const { pkg, task } = loadWork(ctx, packageId);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    if (!PACKAGED.includes(task.status)) {
      throw new OrchestratorError(
        `Work package assignment requires a packaged task (task ${task.id} is ${task.status}); ${oneOf("status", PACKAGED)}`,
      );
    }
    transitionPackage(ctx, pkg.id, pkgStatus(pkg), "ASSIGNED", role, "work_package.assigned");
    if (task.status === "WORK_PACKAGES_CREATED") {
      transitionTask(
        ctx,
        loadTask(ctx, task.id),
        "WORK_PACKAGES_ASSIGNED",
        role,
        "task.work_packages_assigned",
      );
    }
    return packageView(loadPackage(ctx, pkg.id));
  });
}

export interface ReassignInput {
  work_package_id: number;
  assigned_junior_agent: string;
  reason: string;
}

/** Reassign: GLM for glm_direct packages, Codex otherwise; only before a claim. */
export function reassignPackage(ctx: ServiceContext, input: ReassignInput, byController: boolean) {
  const reason = nonEmptyReason(input.reason, "Work-package reassignment requires a non-empty reason");
  return inTransaction(ctx.db, () => {
    const { pkg, task } = loadWork(ctx, input.work_package_id);
    const mode = String(pkg["authority_mode"]);
    if (byController && mode === "glm_direct") {
      throw new OrchestratorError(
        "Controller reassignment is refused for independent glm_direct packages; GLM reassigns them",
      );
    }
    const required: Role = mode === "glm_direct" ? "glm" : "codex";
    const role = requireRole(ctx, required, task.project_id, task.id);
    if (!REASSIGNABLE.includes(pkg.status)) {
      throw new OrchestratorError(
        `Only created or unclaimed assigned packages may be reassigned (work package ${pkg.id} is ${pkg.status}); ${oneOf("status", REASSIGNABLE)}`,
      );
    }
    const junior = requireAgent(ctx, task.project_id, input.assigned_junior_agent, "worker_junior", true);
    setJuniorAgent(ctx.db, pkg.id, junior.name, nowIso(ctx));
    if (pkg.status === "CREATED") {
      transitionPackage(ctx, pkg.id, "CREATED", "ASSIGNED", role, "work_package.authority_assigned");
      const current = loadTask(ctx, task.id);
      if (current.status === "WORK_PACKAGES_CREATED") {
        transitionTask(
          ctx,
          current,
          "WORK_PACKAGES_ASSIGNED",
          role,
          "task.work_packages_assigned_by_authority",
        );
      }
    }
    audit(ctx, role, "work_package.reassigned_by_authority", "work_package", pkg.id, {
      previous_assigned_junior_agent: pkg.assigned_junior_agent,
      assigned_junior_agent: junior.name,
      reason,
      authority_mode: mode,
      required_role: required,
    });
    return packageView(loadPackage(ctx, pkg.id));
  });
}

/** Repair route selection, shared with mimo.launch_package: who repairs this package now. */
function repairRoute(ctx: ServiceContext, pkg: PackageRow, projectId: number) {
  return selectRepairRoute(
    {
      worker_pro_available: Number(pkg["worker_pro_available"]),
      assigned_pro_agent: pkg.assigned_pro_agent,
      assigned_junior_agent: pkg.assigned_junior_agent,
    },
    (name) => {
      const agent = findAgent(ctx.db, projectId, name);
      return (
        agent && { name, capabilities: agentFacts(agent).capabilities, availability: agent.availability }
      );
    },
  );
}

/** Which claim this caller may make in this state: the role it acts in and the target status. */
function claimRoute(ctx: ServiceContext, pkg: PackageRow, task: TaskRow) {
  const me = ctx.actor.name;
  const isJunior = pkg.assigned_junior_agent === me;
  const isPro = pkg.assigned_pro_agent === me;
  const proEnabled = pkg["worker_pro_available"] === 1;
  if (pkg.status === "ASSIGNED" && isJunior)
    return { role: "worker_junior" as Role, to: "CLAIMED_JUNIOR" as const };
  if (isPro && !proEnabled) {
    throw new OrchestratorError("Assigned worker_pro is not yet enabled by a recorded GLM rejection hook");
  }
  if (pkg.status === "REPAIR_REQUIRED" && isPro)
    return { role: "worker_pro" as Role, to: "CLAIMED_PRO" as const };
  if (pkg.status === "REPAIR_REQUIRED" && isJunior) {
    if (repairRoute(ctx, pkg, task.project_id).agent !== me) {
      throw new OrchestratorError("Only the assigned repair worker may claim the package");
    }
    return { role: "worker_junior" as Role, to: "CLAIMED_JUNIOR" as const };
  }
  throw new OrchestratorError(
    `Only the assigned worker may claim the package in its current state: work package ${pkg.id} is ${pkg.status}`,
  );
}

export function claimPackage(ctx: ServiceContext, packageId: number) {
  return inTransaction(ctx.db, () => {
    const { pkg, task } = loadWork(ctx, packageId);
    const route = claimRoute(ctx, pkg, task);
    const assigned = route.role === "worker_junior" ? pkg.assigned_junior_agent : pkg.assigned_pro_agent;
    const role = requireWorker(ctx, route.role, task.project_id, task.id, assigned);
    transitionPackage(ctx, pkg.id, pkgStatus(pkg), route.to, role, "work_package.claimed");
    setClaimedBy(ctx.db, pkg.id, ctx.actor.name);
    return packageView(loadPackage(ctx, pkg.id));
  });
}

const NOT_CANCELLABLE: readonly string[] = ["SUBMITTED", "GLM_REVIEW_IN_PROGRESS", "GLM_ACCEPTED"];
/** Statuses a cancel takes: those the state machine lets go to CANCELLED, except submitted or accepted work. */
const CANCELLABLE = PACKAGE_STATUSES.filter(
  (s) => !NOT_CANCELLABLE.includes(s) && canTransitionPackage(s, "CANCELLED"),
);

/**
 * After a cancel: no live package left → back to GLM_TESTS_PREPARED; only accepted ones left →
 * GLM_ACCEPTED. From WORK_PACKAGES_CREATED (a new wave) the table has no direct
 * edge to GLM_ACCEPTED, so the task passes WORK_PACKAGES_ASSIGNED, both steps audited.
 */
function settleTaskAfterCancel(ctx: ServiceContext, taskId: number, role: string): void {
  const task = loadTask(ctx, taskId);
  if (!PACKAGE_PHASE.includes(task.status)) return;
  const live = livePackages(ctx, taskId);
  if (live.length === 0) {
    transitionTask(ctx, task, "GLM_TESTS_PREPARED", role, "task.all_work_packages_cancelled");
  } else if (live.every((p) => p.status === "GLM_ACCEPTED")) {
    if (task.status === "WORK_PACKAGES_CREATED") {
      transitionTask(ctx, task, "WORK_PACKAGES_ASSIGNED", role, "task.wave_cancelled");
    }
    transitionTask(ctx, loadTask(ctx, taskId), "GLM_ACCEPTED", role, "task.glm_accepted");
  }
}

export function cancelPackage(ctx: ServiceContext, packageId: number, reasonText: string) {
  const reason = nonEmptyReason(reasonText, "Work package cancellation requires a non-empty reason");
  const { view, run } = inTransaction(ctx.db, () => {
    const { pkg, task } = loadWork(ctx, packageId);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    if (!(CANCELLABLE as readonly string[]).includes(pkg.status)) {
      throw notOneOf(`Cancelling work package ${pkg.id}`, "status", pkg.status, CANCELLABLE);
    }
    transitionPackage(ctx, pkg.id, pkgStatus(pkg), "CANCELLED", role, "work_package.cancelled");
    audit(ctx, role, "work_package.cancel_reason", "work_package", pkg.id, { reason });
    settleTaskAfterCancel(ctx, task.id, role);
    const emitted = emitEvent(ctx, pkg, task, "CONTROLLER_CANCELLED", ctx.actor.name, {
      reason,
      cancelled_at: nowIso(ctx),
    });
    return { view: packageView(loadPackage(ctx, pkg.id)), run: emitted.run };
  });
  ctx.events.publish([run]);
  return view;
}

/** Cancel-all recovery: a package-phase task whose packages are all cancelled. */
export function recoverCancelledPackages(ctx: ServiceContext, taskId: number, reasonText: string) {
  const reason = nonEmptyReason(reasonText, "Cancel-all task recovery requires a non-empty reason");
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, taskId);
    const role = requireRole(ctx, "codex", task.project_id, task.id);
    if (!PACKAGE_PHASE.includes(task.status)) {
      throw notOneOf(`Cancel-all task recovery of task ${task.id}`, "status", task.status, PACKAGE_PHASE);
    }
    if (listPackagesOfTask(ctx.db, task.id).length === 0) {
      throw new OrchestratorError("Cancel-all task recovery requires at least one historical package");
    }
    if (livePackages(ctx, task.id).length > 0) {
      throw new OrchestratorError("Cancel-all task recovery is forbidden while active packages remain");
    }
    transitionTask(ctx, task, "GLM_TESTS_PREPARED", role, "task.cancel_all_state_repaired");
    audit(ctx, role, "task.cancel_all_repair_reason", "task", task.id, { reason });
    return taskProjection(ctx, loadTask(ctx, task.id));
  });
}
