import {
  TASK_LEVEL,
  findControllerSession,
  saveControllerSession,
  sessionForScope,
  type ControllerSessionRow,
} from "../ledger/tables/controller-sessions.js";
import { inTransaction } from "../ledger/database.js";
import { findTask } from "../ledger/tables/tasks.js";
import { taskIdOfPackage } from "../ledger/tables/work-packages.js";
import { nowIso, type ServiceContext } from "./context.js";

/** What one successful tool call of the controller concerned, and the client session it came from. */
export interface SessionSighting {
  sessionId: string;
  taskId: number | null;
  packageId: number | null;
}

function keysOf(ctx: ServiceContext, s: SessionSighting): [number, number][] {
  const taskId = s.packageId !== null ? taskIdOfPackage(ctx.db, s.packageId) : s.taskId;
  if (taskId === null || !findTask(ctx.db, taskId)) return [];
  const keys: [number, number][] = [[taskId, TASK_LEVEL]];
  if (s.packageId !== null) keys.push([taskId, s.packageId]);
  return keys;
}

/**
 * Records the Codex controller's session against the task (and package) a call concerned, so the
 * host supervisor resumes that session. Only the codex role is resumed by the supervisor, so only
 * its sessions are kept; a row is written only when the session changed, keeping reads free.
 */
export function recordControllerSession(ctx: ServiceContext, sighting: SessionSighting): void {
  if (ctx.actor.primaryRole !== "codex") return;
  const stale = keysOf(ctx, sighting).filter(
    ([t, p]) => findControllerSession(ctx.db, t, p)?.session_id !== sighting.sessionId,
  );
  if (stale.length === 0) return;
  inTransaction(ctx.db, () => {
    const recordedAt = nowIso(ctx);
    for (const [taskId, packageId] of stale) {
      saveControllerSession(ctx.db, {
        task_id: taskId,
        work_package_id: packageId,
        session_id: sighting.sessionId,
        actor_name: ctx.actor.name,
        recorded_at: recordedAt,
      });
    }
  });
}

/** The recorded session the supervisor would resume for a task or one of its packages, or null. */
export function controllerSessionOf(
  ctx: ServiceContext,
  taskId: number,
  packageId: number | null,
): ControllerSessionRow | null {
  return sessionForScope(ctx.db, taskId, packageId) ?? null;
}
