import { OrchestratorError } from "../domain/errors.js";
import { PACKAGE_STATUSES, canTransitionPackage, type PackageStatus } from "../domain/package-states.js";
import { TASK_STATUSES, canTransitionTask } from "../domain/task-states.js";
import type { RunIds } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { ESCALATION_AUDIT } from "../ledger/escalations.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { listPackagesOfTask, type PackageRow } from "../ledger/tables/work-packages.js";
import { loadPackage, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { emitEvent } from "./handoff.js";
import { transitionPackage, transitionTask } from "./transitions.js";

const HUMAN = "HUMAN_INTERVENTION_REQUIRED";

export interface EscalateInput {
  work_package_id?: number | undefined;
  task_id?: number | undefined;
  reason: string;
}

interface Outcome {
  target_type: "work_package" | "task";
  target_id: number;
  status_before: string;
  status_after: string;
  moved: boolean;
  event_ids: string[];
  runs: RunIds[];
}

/** Statuses an escalation accepts: those with an edge to HUMAN_INTERVENTION_REQUIRED, and that status itself. */
function refuseUnescalatable(kind: string, id: number, status: string, allowed: readonly string[]): void {
  if (status === HUMAN || allowed.includes(status)) return;
  throw new OrchestratorError(
    `${kind} ${id} is ${status}, which cannot be escalated; allowed statuses: ${[...allowed, HUMAN].join(", ")}`,
  );
}

interface Target {
  type: "work_package" | "task";
  id: number;
  before: string;
  reason: string;
  task: TaskRow;
  /** The packages whose event streams carry the escalation. */
  on: PackageRow[];
}

/** The audit row and one event per announcing package, after the status change; the answer's facts. */
function record(ctx: ServiceContext, role: string, target: Target): Outcome {
  const { reason, task, on } = target;
  const payload = { reason, escalated_by: ctx.actor.name, from_status: target.before, status_after: HUMAN };
  audit(ctx, role, ESCALATION_AUDIT, target.type, target.id, payload);
  const extra = target.type === "task" ? { escalated_task_id: target.id } : {};
  const emitted = on.map((pkg) =>
    emitEvent(ctx, pkg, task, "CONTROLLER_ESCALATED_TO_USER", ctx.actor.name, {
      ...payload,
      ...extra,
      escalated_at: nowIso(ctx),
    }),
  );
  return {
    target_type: target.type,
    target_id: target.id,
    status_before: target.before,
    status_after: HUMAN,
    moved: target.before !== HUMAN,
    event_ids: emitted.map((e) => e.event.event_id),
    runs: emitted.map((e) => e.run),
  };
}

function escalatePackage(ctx: ServiceContext, pkg: PackageRow, task: TaskRow, reason: string): Outcome {
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  const before = pkg.status;
  const allowed = PACKAGE_STATUSES.filter((s) => canTransitionPackage(s, HUMAN));
  refuseUnescalatable("Work package", pkg.id, before, allowed);
  if (before !== HUMAN) {
    transitionPackage(ctx, pkg.id, before as PackageStatus, HUMAN, role, "work_package.escalated");
  }
  return record(ctx, role, { type: "work_package", id: pkg.id, before, reason, task, on: [pkg] });
}

/** The packages a task escalation is announced on: its live ones, else its newest one. */
function announcedPackages(ctx: ServiceContext, taskId: number): PackageRow[] {
  const all = listPackagesOfTask(ctx.db, taskId);
  const live = all.filter((p) => p.status !== "GLM_ACCEPTED" && p.status !== "CANCELLED");
  if (live.length > 0) return live;
  return all.slice(-1);
}

function escalateTask(ctx: ServiceContext, task: TaskRow, reason: string): Outcome {
  const role = requireRole(ctx, "codex", task.project_id, task.id);
  const before = task.status;
  refuseUnescalatable(
    "Task",
    task.id,
    before,
    TASK_STATUSES.filter((s) => canTransitionTask(s, HUMAN)),
  );
  if (before !== HUMAN) transitionTask(ctx, task, HUMAN, role, "task.escalated");
  // Handoff events belong to a package: a task's escalation wakes the waiters of its packages.
  const on = announcedPackages(ctx, task.id);
  return record(ctx, role, { type: "task", id: task.id, before, reason, task, on });
}

/**
 * The controller hands a package or a task to a person: the event CONTROLLER_ESCALATED_TO_USER,
 * an audit row with the reason, and HUMAN_INTERVENTION_REQUIRED (an object already there stays;
 * one whose status has no edge there, such as a terminal one, is refused). One transaction;
 * waiters wake after commit.
 */
export function escalateToUser(ctx: ServiceContext, input: EscalateInput) {
  const hasPackage = input.work_package_id !== undefined;
  if (hasPackage === (input.task_id !== undefined)) {
    throw new OrchestratorError("handoff.escalate_to_user needs exactly one of work_package_id or task_id");
  }
  const reason = input.reason.trim();
  if (reason.length < 10) {
    throw new OrchestratorError("Escalation reason must have at least 10 characters");
  }
  const outcome = inTransaction(ctx.db, () => {
    if (hasPackage) {
      const pkg = loadPackage(ctx, input.work_package_id!);
      return escalatePackage(ctx, pkg, loadTask(ctx, pkg.task_id), reason);
    }
    return escalateTask(ctx, loadTask(ctx, input.task_id!), reason);
  });
  if (outcome.runs.length > 0) ctx.events.publish(outcome.runs);
  const { runs: _runs, ...answer } = outcome;
  return { status: "escalated", ...answer, reason };
}
