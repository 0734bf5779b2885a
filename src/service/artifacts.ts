import { createHash } from "node:crypto";
import { notPartOf } from "../domain/errors.js";
import { confineRelative } from "../git/paths.js";
import { inTransaction } from "../ledger/database.js";
import type { TaskRow } from "../ledger/rows.js";
import { loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { dispatchHook, taskTarget } from "./hooks.js";

export interface UpsertArtifactInput {
  project_id: number;
  task_id: number;
  artifact_type: string;
  content: string;
  path: string;
}

export function sha256Hex(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

export interface ArtifactRevision {
  type: string;
  /** Repo-relative, already confined to the repo. */
  path: string;
  content: string;
  createdBy: string;
}

/** Appends revision max+1 of the task's artifact type with its audit row; inside the caller's transaction. */
export function insertArtifactRevision(
  ctx: ServiceContext,
  task: TaskRow,
  effectiveRole: string,
  a: ArtifactRevision,
  auditExtra: Record<string, unknown> = {},
): { id: number; revision: number } {
  const { r } = ctx.db
    .prepare(
      "SELECT COALESCE(MAX(revision), 0) + 1 AS r FROM grace_artifacts WHERE task_id = ? AND artifact_type = ?",
    )
    .get(task.id, a.type) as { r: number };
  const id = Number(
    ctx.db
      .prepare(
        `INSERT INTO grace_artifacts (project_id, task_id, artifact_type, path, content, content_hash, revision,
           created_by_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        task.project_id,
        task.id,
        a.type,
        a.path,
        a.content,
        sha256Hex(a.content),
        r,
        a.createdBy,
        nowIso(ctx),
      ).lastInsertRowid,
  );
  audit(ctx, effectiveRole, "grace.artifact_revision_created", "grace_artifact", id, {
    artifact_type: a.type,
    revision: r,
    ...auditExtra,
  });
  return { id, revision: r };
}

/** Appends a new revision of a GRACE artifact; the server stores it, it never writes the repo. */
export async function upsertArtifact(ctx: ServiceContext, input: UpsertArtifactInput) {
  const project = loadProject(ctx, input.project_id);
  // Resolved outside the transaction: symlinks are followed, so a link out of the repo is refused.
  const relPath = await confineRelative(project.repo_path, input.path);
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, input.task_id);
    if (task.project_id !== input.project_id)
      throw notPartOf("task", task.id, "project", input.project_id, task.project_id);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    const { id, revision } = insertArtifactRevision(ctx, task, role, {
      type: input.artifact_type,
      path: relPath,
      content: input.content,
      createdBy: ctx.actor.name,
    });
    dispatchHook(
      ctx,
      "on_grace_artifact_upserted",
      taskTarget(task),
      { artifact_id: id, artifact_type: input.artifact_type, artifact_path: relPath, revision },
      role,
    );
    return ctx.db.prepare("SELECT * FROM grace_artifacts WHERE id = ?").get(id) as Record<string, unknown>;
  });
}
