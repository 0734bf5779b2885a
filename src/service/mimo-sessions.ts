import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { removeWorktree } from "../git/worktree.js";
import { inTransaction } from "../ledger/database.js";
import { cancelHeadless, forgetHeadless, headlessExitCode, ownsHeadless } from "../mimo/headless.js";
import {
  endSession,
  markWorktreeRemoved,
  type MimoSessionRow,
  type SessionState,
} from "../ledger/tables/mimo-sessions.js";
import { sessionView } from "../mimo/session-row.js";
import { checkLiveness, type ProbeOptions } from "../process/identity.js";
import { loadPackage, loadProject, loadTask, requireBinding, requireProjectMember } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { unsavedWork } from "./mimo-cleanup.js";
import { loadSession, requireGlmOnSession } from "./mimo.js";

const WORKERS: readonly Role[] = ["worker_junior", "worker_pro"];

/** Workers read only sessions they were assigned or requested; staff need the project. */
export function getSession(ctx: ServiceContext, sessionId: number) {
  const s = loadSession(ctx, sessionId);
  requireBinding(ctx, s.project_id, s.task_id);
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
  const ended = endSession(ctx.db, {
    id: s.id,
    from: s.lifecycle_state,
    to,
    exit_code: fields.exit_code ?? null,
    failure_reason: fields.failure_reason ?? null,
    ended_at: nowIso(ctx),
    release: fields.release ?? false,
  });
  if (!ended) {
    throw new OrchestratorError(`Mimo session ${s.id} changed state concurrently; read it again`);
  }
  return sessionView(loadSession(ctx, s.id));
}

/** Only a headless child of this very process has a knowable exit code. */
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

/** The mode and lifecycle state a session step needs; the check and its refusal read the same values. */
interface SessionNeed {
  mode?: "tui" | "headless";
  lifecycle_state: string;
}
const RUNNING_HEADLESS: SessionNeed = { mode: "headless", lifecycle_state: "RUNNING" };

/** Refuses a step on a session in another mode or state: "Only a <what> (…); it needs mode …". */
function requireSessionState(s: MimoSessionRow, need: SessionNeed, what: string): void {
  if (s.lifecycle_state === need.lifecycle_state && (need.mode === undefined || s.mode === need.mode)) return;
  const needs = [
    ...(need.mode === undefined ? [] : [`mode ${need.mode}`]),
    `lifecycle_state ${need.lifecycle_state}`,
  ];
  throw new OrchestratorError(
    `Only a ${what} (Mimo session ${s.id} is ${s.mode} ${s.lifecycle_state}); it needs ${needs.join(" and ")}`,
  );
}

export async function cancelSession(ctx: ServiceContext, sessionId: number) {
  const s = loadSession(ctx, sessionId);
  requireGlmOnSession(ctx, s);
  requireSessionState(s, RUNNING_HEADLESS, "running headless Mimo session can be cancelled by the service");
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

/** What a PREPARED session left on disk: the launch got at least this far before it stopped. */
function launchTraces(s: MimoSessionRow): { worktree: string | null; briefing: string | null } {
  const there = (p: string | null) => (p && existsSync(p) ? p : null);
  return { worktree: there(s.workspace_path), briefing: there(s.briefing_path) };
}

/**
 * A PREPARED session with a recorded process is one whose launch gate was recorded: the gate
 * lives exactly as long as the Mimo it may have started. Recovery waits until that process is
 * observed gone; MATCH (alive) and UNKNOWN (the OS would not say) both refuse.
 */
async function requireRecordedProcessGone(s: MimoSessionRow, probe: ProbeOptions): Promise<void> {
  if (!s.pid) return;
  const liveness = await checkLiveness(
    { pid: s.pid, os_start_time: s.process_started_at_os ?? "UNKNOWN" },
    probe,
  );
  if (liveness === "NOT_FOUND_OR_REUSED") return;
  throw new OrchestratorError(
    `Prepared Mimo recovery refused: process ${s.pid} recorded for Mimo session ${s.id} (its launch gate, which lives as long as ` +
      `the Mimo it started) ${liveness === "MATCH" ? "is still running" : "may still be running (liveness UNKNOWN)"}. ` +
      `Close that Mimo window or wait for it to end, then recover again`,
  );
}

/**
 * A PREPARED session whose launch stopped (server crash, kill) before it recorded Mimo.
 * A recorded process that may be alive refuses (see requireRecordedProcessGone). The paths on the row are only where the
 * launch would have written, so the evidence looked at is what exists on disk: a worktree that
 * holds work the ledger does not have is refused (a worker may have started in it); otherwise the
 * session becomes FAILED first — an in-flight launch then sees it and undoes itself — and the
 * clean worktree (never forced) and the briefing are removed.
 */
export async function recoverPreparedSession(
  ctx: ServiceContext,
  sessionId: number,
  observation: string,
  probe: ProbeOptions = {},
) {
  const s = loadSession(ctx, sessionId);
  const role = requireGlmOnSession(ctx, s);
  requireSessionState(s, { lifecycle_state: "PREPARED" }, "prepared Mimo session may be recovered");
  await requireRecordedProcessGone(s, probe);
  const reason = requireObservation(observation);
  const traces = launchTraces(s);
  if (traces.worktree) {
    let work: string | null;
    try {
      work = await unsavedWork(ctx, s, traces.worktree);
    } catch (error) {
      work = `it could not be verified: ${(error as Error).message}`;
    }
    if (work) {
      throw new OrchestratorError(
        `Prepared Mimo recovery requires a session with no launch evidence: the worktree ${traces.worktree} of session ${s.id} ` +
          `holds work the ledger does not have (${work}), so a Mimo worker may have started there before the launch was recorded. ` +
          `Make sure no Mimo window works in it, keep or remove that work yourself, then recover again`,
      );
    }
  }
  const view = inTransaction(ctx.db, () => {
    const fresh = loadSession(ctx, sessionId);
    if (fresh.lifecycle_state !== "PREPARED" || fresh.pid !== s.pid) {
      throw new OrchestratorError(`Mimo session ${s.id} changed state concurrently; read it again`);
    }
    const ended = end(ctx, fresh, "FAILED", { failure_reason: reason });
    audit(ctx, role, "mimo.prepared_session_recovered", "mimo_session", s.id, {
      observation: reason,
      worktree_found: traces.worktree,
      briefing_found: traces.briefing,
    });
    return ended;
  });
  if (!traces.worktree && !traces.briefing) return view;
  return removeTraces(ctx, role, s, traces);
}

/** Best effort: what cannot be removed stays on the (now ended) row for mimo.cleanup_worktrees. */
async function removeTraces(
  ctx: ServiceContext,
  role: Role,
  s: MimoSessionRow,
  traces: { worktree: string | null; briefing: string | null },
) {
  const project = loadProject(ctx, s.project_id);
  let removed = true;
  if (traces.worktree) {
    // No --force: git itself refuses a tree that became dirty since it was checked.
    removed = await removeWorktree(project.repo_path, traces.worktree).then(
      () => true,
      () => false,
    );
  }
  if (traces.briefing) await rm(traces.briefing, { force: true });
  if (removed) {
    inTransaction(ctx.db, () => {
      markWorktreeRemoved(ctx.db, s.id, nowIso(ctx));
      audit(ctx, role, "mimo.worktree_removed", "mimo_session", s.id, {
        workspace_path: traces.worktree,
        briefing_path: traces.briefing,
        note: "interrupted launch recovered",
      });
    });
  }
  return sessionView(loadSession(ctx, s.id));
}

export async function recoverOrphanedRunningSession(
  ctx: ServiceContext,
  sessionId: number,
  observation: string,
  probe: ProbeOptions = {},
) {
  const s = loadSession(ctx, sessionId);
  requireGlmOnSession(ctx, s);
  requireSessionState(s, RUNNING_HEADLESS, "running headless Mimo session may be recovered");
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
    requireSessionState(
      s,
      { lifecycle_state: "TUI_DETACHED" },
      "detached TUI Mimo session may be marked closed",
    );
    const text = requireObservation(observation);
    const view = end(ctx, s, "EXITED", { release: true });
    audit(ctx, role, "mimo.tui_session_closed_observed", "mimo_session", s.id, { observation: text });
    return view;
  });
}
