import { existsSync } from "node:fs";
import { OrchestratorError } from "../domain/errors.js";
import { runGit } from "../git/runner.js";
import { removeWorktree, runInWorktree, worktreeState } from "../git/worktree.js";
import { inTransaction } from "../ledger/database.js";
import {
  ACTIVE_STATES,
  listSessionsWithWorktree,
  markWorktreeRemoved,
  type MimoSessionRow,
} from "../ledger/tables/mimo-sessions.js";
import { listSubmissionHeads } from "../ledger/tables/submissions.js";
import { loadProject, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";

export interface CleanupInput {
  project_id: number;
  older_than_hours: number;
}

interface Kept {
  session_id: number;
  workspace_path: string;
  reason: string;
}

const PREPARED_KEPT =
  "session is still PREPARED: its launch never recorded a process; recover it with mimo.recover_prepared_session first";

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Commits in the worktree that neither its base nor any submission head reaches: work the ledger does not hold. */
async function unsubmittedCommits(
  ctx: ServiceContext,
  s: MimoSessionRow,
  worktree: { repo: string; path: string },
): Promise<number> {
  const known = [s.workspace_base_commit ?? "", ...listSubmissionHeads(ctx.db, s.work_package_id)].filter(
    (c) => SHA.test(c),
  );
  const count = await runInWorktree(worktree.repo, worktree.path, [
    "rev-list",
    "--count",
    "HEAD",
    "--not",
    ...known,
  ]);
  return Number(count.stdout.toString("utf8").trim());
}

/** Why the worktree must be kept (work the ledger does not hold), or null when removing it loses nothing. */
export async function unsavedWork(
  ctx: ServiceContext,
  s: MimoSessionRow,
  path: string,
): Promise<string | null> {
  const repo = loadProject(ctx, s.project_id).repo_path;
  const state = await worktreeState(repo, path);
  if (state.dirty) return "uncommitted changes in the worktree";
  const extra = await unsubmittedCommits(ctx, s, { repo, path });
  if (extra > 0) return `${extra} commit(s) not reachable from any submission head`;
  return null;
}

function markRemoved(ctx: ServiceContext, role: string, s: MimoSessionRow, note: string): void {
  inTransaction(ctx.db, () => {
    markWorktreeRemoved(ctx.db, s.id, nowIso(ctx));
    audit(ctx, role, "mimo.worktree_removed", "mimo_session", s.id, {
      workspace_path: s.workspace_path,
      note,
    });
  });
}

/**
 * Removes the worktrees of ended sessions older than the given age, so worktrees do not pile up.
 * A worktree with uncommitted changes, or with commits no submission head reaches, is kept and
 * reported; git itself also refuses to remove a dirty tree (no --force here).
 */
export async function cleanupWorktrees(ctx: ServiceContext, input: CleanupInput) {
  const project = loadProject(ctx, input.project_id);
  const primary = ctx.actor.primaryRole;
  const role =
    primary === "user" || primary === "codex" ? primary : requireRole(ctx, "glm", project.id, null);
  if (!Number.isFinite(input.older_than_hours) || input.older_than_hours < 0) {
    throw new OrchestratorError("older_than_hours must be a non-negative number");
  }
  const cutoff = new Date(ctx.clock().getTime() - input.older_than_hours * 3_600_000).toISOString();
  // PREPARED rows are looked at too: the row names its worktree before the launch creates it, so
  // a launch that stopped before recording a process leaves a worktree only this row knows of.
  const started = ACTIVE_STATES.filter((state) => state !== "PREPARED");
  const sessions = listSessionsWithWorktree(ctx.db, project.id, started);
  const removed: { session_id: number; workspace_path: string }[] = [];
  const kept: Kept[] = [];
  for (const s of sessions) {
    const path = s.workspace_path!;
    if (s.lifecycle_state === "PREPARED") {
      // Still holds the dispatch lock and may be launching right now: never removed here.
      if (existsSync(path)) kept.push({ session_id: s.id, workspace_path: path, reason: PREPARED_KEPT });
      continue;
    }
    if (!s.ended_at || s.ended_at > cutoff) {
      kept.push({ session_id: s.id, workspace_path: path, reason: "ended less than older_than_hours ago" });
      continue;
    }
    if (!existsSync(path)) {
      await runGit(project.repo_path, ["worktree", "prune"], { write: true });
      markRemoved(ctx, role, s, "already gone");
      removed.push({ session_id: s.id, workspace_path: path });
      continue;
    }
    let reason: string | null;
    try {
      reason = await unsavedWork(ctx, s, path);
    } catch (error) {
      reason = `could not verify the worktree: ${(error as Error).message}`;
    }
    if (reason) {
      kept.push({ session_id: s.id, workspace_path: path, reason });
      continue;
    }
    try {
      await removeWorktree(project.repo_path, path);
    } catch (error) {
      kept.push({
        session_id: s.id,
        workspace_path: path,
        reason: `git refused: ${(error as Error).message}`,
      });
      continue;
    }
    markRemoved(ctx, role, s, "removed");
    removed.push({ session_id: s.id, workspace_path: path });
  }
  return { removed, kept };
}
