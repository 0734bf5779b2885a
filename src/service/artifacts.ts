import { createHash } from "node:crypto";
import { OrchestratorError } from "../domain/errors.js";
import { confineRelative } from "../git/paths.js";
import { inTransaction } from "../ledger/database.js";
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

/** Appends a new revision of a GRACE artifact; the server stores it, it never writes the repo. */
export async function upsertArtifact(ctx: ServiceContext, input: UpsertArtifactInput) {
  const project = loadProject(ctx, input.project_id);
  // Resolved outside the transaction: symlinks are followed, so a link out of the repo is refused.
  const relPath = await confineRelative(project.repo_path, input.path);
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, input.task_id);
    if (task.project_id !== input.project_id)
      throw new OrchestratorError("Artifact task does not belong to project");
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    const revision =
      (
        ctx.db
          .prepare("SELECT MAX(revision) AS r FROM grace_artifacts WHERE task_id = ? AND artifact_type = ?")
          .get(task.id, input.artifact_type) as { r: number | null }
      ).r ?? 0;
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO grace_artifacts (project_id, task_id, artifact_type, path, content, content_hash, revision,
             created_by_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          task.project_id,
          task.id,
          input.artifact_type,
          relPath,
          input.content,
          sha256Hex(input.content),
          revision + 1,
          ctx.actor.name,
          nowIso(ctx),
        ).lastInsertRowid,
    );
    audit(ctx, role, "grace.artifact_revision_created", "grace_artifact", id, {
      artifact_type: input.artifact_type,
      revision: revision + 1,
    });
    dispatchHook(
      ctx,
      "on_grace_artifact_upserted",
      taskTarget(task),
      { artifact_id: id, artifact_type: input.artifact_type, artifact_path: relPath, revision: revision + 1 },
      role,
    );
    return ctx.db.prepare("SELECT * FROM grace_artifacts WHERE id = ?").get(id) as Record<string, unknown>;
  });
}
