import { createHash } from "node:crypto";
import { notPartOf } from "../domain/errors.js";
import { confineRelative } from "../git/paths.js";
import { inTransaction } from "../ledger/database.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import {
  findGraceArtifact,
  insertGraceArtifact,
  nextArtifactRevision,
} from "../ledger/tables/grace-artifacts.js";
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
  const r = nextArtifactRevision(ctx.db, task.id, a.type);
  const id = insertGraceArtifact(ctx.db, {
    project_id: task.project_id,
    task_id: task.id,
    artifact_type: a.type,
    path: a.path,
    content: a.content,
    content_hash: sha256Hex(a.content),
    revision: r,
    created_by_agent: a.createdBy,
    created_at: nowIso(ctx),
  });
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
    return findGraceArtifact(ctx.db, id);
  });
}
