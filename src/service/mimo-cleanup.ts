import { existsSync } from "node:fs";
import { OrchestratorError } from "../domain/errors.js";
import { gitText, runGit } from "../git/runner.js";
import { removeWorktree, worktreeState } from "../git/worktree.js";
import { inTransaction } from "../ledger/database.js";
import { ACTIVE_STATES, type MimoSessionRow } from "../mimo/session-row.js";
import { loadProject, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { submissionHeads } from "./mimo.js";

export interface CleanupInput {
  project_id: number;
  older_than_hours: number;
}

interface Kept {
  session_id: number;
  workspace_path: string;
  reason: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Commits in the worktree that neither its base nor any submission head reaches: work the ledger does not hold. */
async function unsubmittedCommits(ctx: ServiceContext, s: MimoSessionRow, path: string): Promise<number> {
  const known = [s.workspace_base_commit ?? "", ...submissionHeads(ctx, s.work_package_id)].filter((c) =>
    SHA.test(c),
  );
  const count = await gitText(path, ["rev-list", "--count", "HEAD", "--not", ...known]);
  return Number(count);
}

async function verdict(ctx: ServiceContext, s: MimoSessionRow, path: string): Promise<string | null> {
  const state = await worktreeState(path);
  if (state.dirty) return "uncommitted changes in the worktree";
  const extra = await unsubmittedCommits(ctx, s, path);
  if (extra > 0) return `${extra} commit(s) not reachable from any submission head`;
  return null;
}

function markRemoved(ctx: ServiceContext, role: string, s: MimoSessionRow, note: string): void {
  inTransaction(ctx.db, () => {
    ctx.db.prepare("UPDATE mimo_sessions SET worktree_removed_at = ? WHERE id = ?").run(nowIso(ctx), s.id);
    audit(ctx, role, "mimo.worktree_removed", "mimo_session", s.id, {
      workspace_path: s.workspace_path,
      note,
    });
  });
}

/**
 * Removes the worktrees of ended sessions older than the given age (reference quirk 14 fixed).
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
  const placeholders = ACTIVE_STATES.map(() => "?").join(", ");
  const sessions = ctx.db
    .prepare(
      `SELECT * FROM mimo_sessions WHERE project_id = ? AND workspace_path IS NOT NULL AND worktree_removed_at IS NULL
       AND lifecycle_state NOT IN (${placeholders}) ORDER BY id`,
    )
    .all(project.id, ...ACTIVE_STATES) as MimoSessionRow[];
  const removed: { session_id: number; workspace_path: string }[] = [];
  const kept: Kept[] = [];
  for (const s of sessions) {
    const path = s.workspace_path!;
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
      reason = await verdict(ctx, s, path);
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
