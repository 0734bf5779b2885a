import { FORCE_ENTITY_TYPES } from "../domain/vocabulary.js";
import { ConflictError, OrchestratorError, oneOf } from "../domain/errors.js";
import { isPackageStatus, PACKAGE_STATUSES, TERMINAL_PACKAGE_STATUSES } from "../domain/package-states.js";
import { isTaskStatus, TASK_STATUSES, TERMINAL_TASK_STATUSES } from "../domain/task-states.js";
import { inTransaction } from "../ledger/database.js";
import { setTaskStatus } from "../ledger/tables/tasks.js";
import { resetPackageToCreated, setPackageStatus } from "../ledger/tables/work-packages.js";
import { cancelHeadless, forgetHeadless } from "../mimo/headless.js";
import {
  endActiveSessionsOfPackage,
  listActiveSessionsOfPackage,
  type MimoSessionRow,
} from "../ledger/tables/mimo-sessions.js";
import { checkLiveness } from "../process/identity.js";
import { loadPackage, loadTask, requirePrimary } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";

const ADMINS = ["user", "codex"] as const;
const REASON_RULE =
  "ADMINISTRATIVE_RECOVERY_REJECTED: reason must be a descriptive non-empty string (at least 10 characters)";

function checkReason(reason: string): string {
  const text = reason.trim();
  if (text.length < 10) throw new OrchestratorError(REASON_RULE);
  return text;
}

function optimistic(entity: string, current: string, expected: string): void {
  if (current !== expected) {
    throw new ConflictError(
      `OPTIMISTIC_LOCK_MISMATCH: ${entity} is ${current}, expected ${expected}; read it again before recovering`,
    );
  }
}

function terminalGuard(entity: string, current: string, terminal: readonly string[], allow: boolean): void {
  if (!allow && terminal.includes(current)) {
    throw new OrchestratorError(
      `ADMINISTRATIVE_RECOVERY_REJECTED: ${entity} is in terminal status ${current}; pass allow_terminal=true to override`,
    );
  }
}

export interface ForceTransitionInput {
  entity_type: string;
  entity_id: number;
  target_status: string;
  reason: string;
  expected_current_status: string;
  allow_terminal?: boolean | undefined;
}

/**
 * An audited administrative status write that bypasses the state table, guarded
 * by an optimistic lock, a descriptive reason and (unless overridden) the terminal statuses.
 */
export function forceTransition(ctx: ServiceContext, input: ForceTransitionInput) {
  const role = requirePrimary(
    ctx,
    ADMINS,
    `ADMINISTRATIVE_RECOVERY_REJECTED: ${ctx.actor.primaryRole} is not authorized to perform administrative transitions`,
  );
  const kind = input.entity_type.trim().toLowerCase();
  if (!(FORCE_ENTITY_TYPES as readonly string[]).includes(kind)) {
    throw new OrchestratorError(
      `Unknown entity type for force transition of entity_id ${input.entity_id}: ${input.entity_type}; ${oneOf("entity_type", FORCE_ENTITY_TYPES)}`,
    );
  }
  const isTask = kind === "task";
  const allow = input.allow_terminal ?? false;
  return inTransaction(ctx.db, () => {
    const row = isTask ? loadTask(ctx, input.entity_id) : loadPackage(ctx, input.entity_id);
    const entity = `${isTask ? "task" : "work package"} ${row.id}`;
    optimistic(entity, row.status, input.expected_current_status);
    const valid = isTask ? isTaskStatus : isPackageStatus;
    for (const s of [row.status, input.target_status]) {
      if (!valid(s))
        throw new OrchestratorError(
          `Invalid ${isTask ? "TaskStatus" : "WorkPackageStatus"} value for ${entity}: ${s}; ${oneOf("target_status", isTask ? TASK_STATUSES : PACKAGE_STATUSES)}`,
        );
    }
    const reason = checkReason(input.reason);
    const terminal: readonly string[] = isTask ? TERMINAL_TASK_STATUSES : TERMINAL_PACKAGE_STATUSES;
    terminalGuard(entity, row.status, terminal, allow);
    const now = nowIso(ctx);
    if (isTask) {
      setTaskStatus(ctx.db, { id: row.id, status: input.target_status, updated_at: now });
    } else {
      setPackageStatus(ctx.db, row.id, input.target_status, now);
    }
    audit(ctx, role, "ADMIN_RECOVERY_EXECUTED", isTask ? "task" : "work_package", row.id, {
      previous_status: row.status,
      target_status: input.target_status,
      reason,
      allow_terminal: allow,
    });
    return isTask ? loadTask(ctx, row.id) : loadPackage(ctx, row.id);
  });
}

export interface ForceResetInput {
  work_package_id: number;
  reason: string;
  expected_current_status: string;
  allow_terminal?: boolean | undefined;
}

/** Stops headless children before the reset: ours through the runner, a verified orphan by pid. */
async function stopHeadless(s: MimoSessionRow): Promise<void> {
  if (s.lifecycle_state !== "RUNNING" || s.mode !== "headless") return;
  if ((await cancelHeadless(s.id)) !== null) {
    forgetHeadless(s.id);
    return;
  }
  if (!s.pid) return;
  const liveness = await checkLiveness({ pid: s.pid, os_start_time: s.process_started_at_os ?? "UNKNOWN" });
  if (liveness !== "MATCH") return;
  try {
    process.kill(s.pid, "SIGKILL");
  } catch (error) {
    throw new OrchestratorError(
      `Could not stop Mimo session ${s.id} (pid ${s.pid}): ${(error as Error).message}`,
    );
  }
}

/**
 * Resets a package to CREATED. Sessions: RUNNING/PREPARED → CANCELLED, TUI
 * windows → ABANDONED (never killed: they belong to the user). Submissions and reviews stay.
 * Terminal packages are refused unless allow_terminal is set, as force_transition does.
 */
export async function forceReset(ctx: ServiceContext, input: ForceResetInput) {
  const role = requirePrimary(
    ctx,
    ADMINS,
    `ADMINISTRATIVE_RECOVERY_REJECTED: ${ctx.actor.primaryRole} is not authorized to reset work packages`,
  );
  const reason = checkReason(input.reason);
  const allow = input.allow_terminal ?? false;
  const check = () => {
    const pkg = loadPackage(ctx, input.work_package_id);
    optimistic(`work package ${pkg.id}`, pkg.status, input.expected_current_status);
    terminalGuard(`work package ${pkg.id}`, pkg.status, TERMINAL_PACKAGE_STATUSES, allow);
    return pkg;
  };
  check();
  const live = listActiveSessionsOfPackage(ctx.db, input.work_package_id);
  for (const s of live) await stopHeadless(s);
  return inTransaction(ctx.db, () => {
    const pkg = check();
    const now = nowIso(ctx);
    endActiveSessionsOfPackage(ctx.db, pkg.id, now);
    resetPackageToCreated(ctx.db, pkg.id, now);
    audit(ctx, role, "ADMIN_WORK_PACKAGE_RESET", "work_package", pkg.id, {
      previous_status: pkg.status,
      target_status: "CREATED",
      reason,
      allow_terminal: allow,
    });
    return loadPackage(ctx, pkg.id);
  });
}
