import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** One revision of a task's GRACE artifact exactly as stored. */
export interface GraceArtifactRow {
  id: number;
  project_id: number;
  task_id: number;
  artifact_type: string;
  /** Repo-relative. */
  path: string;
  content: string;
  content_hash: string;
  revision: number;
  created_by_agent: string;
  created_at: string;
}

/** The revision the task's next artifact of this type takes: one past the highest, 1 for the first. */
export function nextArtifactRevision(db: Db, taskId: number, artifactType: string): number {
  return (
    prepared(
      db,
      "SELECT COALESCE(MAX(revision), 0) + 1 AS r FROM grace_artifacts WHERE task_id = ? AND artifact_type = ?",
    ).get(taskId, artifactType) as { r: number }
  ).r;
}

/** Returns the new revision's id. */
export function insertGraceArtifact(db: Db, row: Omit<GraceArtifactRow, "id">): number {
  return Number(
    prepared(
      db,
      `INSERT INTO grace_artifacts (project_id, task_id, artifact_type, path, content, content_hash, revision,
           created_by_agent, created_at)
         VALUES (@project_id, @task_id, @artifact_type, @path, @content, @content_hash, @revision,
           @created_by_agent, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function findGraceArtifact(db: Db, id: number): GraceArtifactRow | undefined {
  return prepared(db, "SELECT * FROM grace_artifacts WHERE id = ?").get(id) as GraceArtifactRow | undefined;
}

/** Every revision of every artifact of a task, oldest first. */
export function listArtifactsOfTask(db: Db, taskId: number): GraceArtifactRow[] {
  return prepared(db, "SELECT * FROM grace_artifacts WHERE task_id = ? ORDER BY id").all(
    taskId,
  ) as GraceArtifactRow[];
}

/** The artifact types a task has at least one revision of. */
export function artifactTypesOfTask(db: Db, taskId: number): string[] {
  return (
    prepared(db, "SELECT DISTINCT artifact_type FROM grace_artifacts WHERE task_id = ?").all(taskId) as {
      artifact_type: string;
    }[]
  ).map((r) => r.artifact_type);
}

/** The content of the newest revision of an artifact type across the project's tasks. */
export function latestArtifactContent(db: Db, projectId: number, artifactType: string): string | undefined {
  return (
    prepared(
      db,
      `SELECT content FROM grace_artifacts WHERE project_id = @project_id AND artifact_type = @artifact_type
         ORDER BY created_at DESC, id DESC LIMIT 1`,
    ).get({ project_id: projectId, artifact_type: artifactType }) as { content: string } | undefined
  )?.content;
}
