import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { inTransaction } from "../ledger/database.js";
import { cancelHeadless, forgetHeadless, headlessExitCode, ownsHeadless } from "../mimo/headless.js";
import { sessionView, type MimoSessionRow, type SessionState } from "../mimo/session-row.js";
import { checkLiveness, type ProbeOptions } from "../process/identity.js";
import { loadPackage, loadTask, requireProjectMember } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { loadSession, requireGlmOnSession } from "./mimo.js";

const WORKERS: readonly Role[] = ["worker_junior", "worker_pro"];

/** Reference §1.8: workers read only sessions they were assigned or requested; staff need the project. */
export function getSession(ctx: ServiceContext, sessionId: number) {
  const s = loadSession(ctx, sessionId);
  if (WORKERS.includes(ctx.actor.primaryRole)) {
    if (s.assigned_agent !== ctx.actor.name && s.requested_by_agent !== ctx.actor.name) {
      throw new OrchestratorError(
        `Worker role ${ctx.actor.primaryRole} is not authorized to read Mimo session ${s.id}`,
      );
    }
  } else {
    const task = loadTask(ctx, loadPackage(ctx, s.work_package_id).task_id);
    requireProjectMember(ctx, task.project_id, task.id);
  }
  return sessionView(s);
}

function requireObservation(observation: string): string {
  const text = observation.trim();
  if (!text) throw new OrchestratorError("Mimo session recovery requires a non-empty observation");
  return text;
}

/** Ends a session from the state it was read in; a concurrent change makes this a conflict. */
function end(
  ctx: ServiceContext,
  s: MimoSessionRow,
  to: SessionState,
  fields: { exit_code?: number | null; failure_reason?: string | null; release?: boolean },
) {
  const result = ctx.db
    .prepare(
      `UPDATE mimo_sessions SET lifecycle_state = ?, exit_code = COALESCE(?, exit_code),
         failure_reason = COALESCE(?, failure_reason), ended_at = ?,
         dispatch_lock_released = CASE WHEN ? THEN 1 ELSE dispatch_lock_released END
       WHERE id = ? AND lifecycle_state = ?`,
    )
    .run(
      to,
      fields.exit_code ?? null,
      fields.failure_reason ?? null,
      nowIso(ctx),
      fields.release ? 1 : 0,
      s.id,
      s.lifecycle_state,
    );
  if (result.changes !== 1) {
    throw new OrchestratorError(`Mimo session ${s.id} changed state concurrently; read it again`);
  }
  return sessionView(loadSession(ctx, s.id));
}

/** Reference §8.7: only a headless child of this very process has a knowable exit code. */
export function pollSession(ctx: ServiceContext, sessionId: number) {
  return inTransaction(ctx.db, () => {
    const s = loadSession(ctx, sessionId);
    const role = requireGlmOnSession(ctx, s);
    if (s.lifecycle_state !== "RUNNING") return sessionView(s);
    const code = headlessExitCode(s.id);
    if (code === null) return sessionView(s);
    const state: SessionState = code === 0 ? "EXITED" : "FAILED";
    const view = end(ctx, s, state, { exit_code: code });
    audit(ctx, role, "mimo.session_exited", "mimo_session", s.id, { exit_code: code, state });
    forgetHeadless(s.id);
    return view;
  });
}

export async function cancelSession(ctx: ServiceContext, sessionId: number) {
  const s = loadSession(ctx, sessionId);
  requireGlmOnSession(ctx, s);
  if (s.lifecycle_state !== "RUNNING" || s.mode !== "headless") {
    throw new OrchestratorError("Only a running headless Mimo session can be cancelled by the service");
  }
  if (!ownsHeadless(s.id)) {
    throw new OrchestratorError("Mimo session is not a service-owned active headless process");
  }
  const code = await cancelHeadless(s.id);
  if (code === null)
    throw new OrchestratorError(`Mimo session ${s.id} did not stop after terminate and kill`);
  return inTransaction(ctx.db, () => {
    const fresh = loadSession(ctx, sessionId);
    const role = requireGlmOnSession(ctx, fresh);
    const view = end(ctx, fresh, "CANCELLED", { exit_code: code });
    audit(ctx, role, "mimo.session_cancelled", "mimo_session", s.id, { exit_code: code });
    forgetHeadless(s.id);
    return view;
  });
}

export function recoverPreparedSession(ctx: ServiceContext, sessionId: number, observation: string) {
  return inTransaction(ctx.db, () => {
    const s = loadSession(ctx, sessionId);
    const role = requireGlmOnSession(ctx, s);
    if (s.lifecycle_state !== "PREPARED") {
      throw new OrchestratorError("Only a prepared Mimo session may be recovered");
    }
    if (s.workspace_path || s.briefing_path || s.pid) {
      throw new OrchestratorError("Prepared Mimo recovery requires a session with no launch evidence");
    }
    const reason = requireObservation(observation);
    const view = end(ctx, s, "FAILED", { failure_reason: reason });
    audit(ctx, role, "mimo.prepared_session_recovered", "mimo_session", s.id, { observation: reason });
    return view;
  });
}

export async function recoverOrphanedRunningSession(
  ctx: ServiceContext,
  sessionId: number,
  observation: string,
  probe: ProbeOptions = {},
) {
  const s = loadSession(ctx, sessionId);
  requireGlmOnSession(ctx, s);
  if (s.lifecycle_state !== "RUNNING" || s.mode !== "headless") {
    throw new OrchestratorError("Only a running headless Mimo session may be recovered");
  }
  if (!Number.isInteger(s.pid) || (s.pid ?? 0) <= 0) {
    throw new OrchestratorError("Running Mimo recovery requires a persisted process ID");
  }
  const liveness = await checkLiveness(
    { pid: s.pid!, os_start_time: s.process_started_at_os ?? "UNKNOWN" },
    probe,
  );
  if (liveness === "MATCH")
    throw new OrchestratorError("Running Mimo recovery requires an observed absent process");
  if (liveness === "UNKNOWN") {
    throw new OrchestratorError("Running Mimo recovery cannot proceed while process liveness is UNKNOWN");
  }
  const reason = requireObservation(observation);
  return inTransaction(ctx.db, () => {
    const fresh = loadSession(ctx, sessionId);
    const role = requireGlmOnSession(ctx, fresh);
    const view = end(ctx, fresh, "FAILED", { failure_reason: reason });
    audit(ctx, role, "mimo.running_session_recovered", "mimo_session", s.id, {
      pid: s.pid,
      observation: reason,
    });
    return view;
  });
}

/** GLM saw the TUI window closed: EXITED and the dispatch lock released. The package is never touched. */
export function recordTuiClosed(ctx: ServiceContext, sessionId: number, observation: string) {
  return inTransaction(ctx.db, () => {
    const s = loadSession(ctx, sessionId);
    const role = requireGlmOnSession(ctx, s);
    if (s.lifecycle_state !== "TUI_DETACHED") {
      throw new OrchestratorError("Only a detached TUI Mimo session may be marked closed");
    }
    const text = requireObservation(observation);
    const view = end(ctx, s, "EXITED", { release: true });
    audit(ctx, role, "mimo.tui_session_closed_observed", "mimo_session", s.id, { observation: text });
    return view;
  });
}
