import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** A project as stored; allowed_test_commands_json stays a string here, projections decode it. */
export interface ProjectRow {
  id: number;
  name: string;
  repo_path: string;
  grace_path: string;
  main_branch: string;
  allowed_test_commands_json: string;
  created_at: string;
  updated_at: string;
}

export type NewProject = Omit<ProjectRow, "id">;

export function findProject(db: Db, id: number): ProjectRow | undefined {
  return prepared(db, "SELECT * FROM projects WHERE id = ?").get(id) as ProjectRow | undefined;
}

/** The oldest project registered on a repository path. */
export function findProjectByRepo(db: Db, repoPath: string): ProjectRow | undefined {
  return prepared(db, "SELECT * FROM projects WHERE repo_path = ? ORDER BY id LIMIT 1").get(repoPath) as
    ProjectRow | undefined;
}

export function listProjects(db: Db): ProjectRow[] {
  return prepared(db, "SELECT * FROM projects ORDER BY id").all() as ProjectRow[];
}

/** Stores a new project and returns its id. */
export function insertProject(db: Db, row: NewProject): number {
  return Number(
    prepared(
      db,
      `INSERT INTO projects (name, repo_path, grace_path, main_branch, allowed_test_commands_json, created_at, updated_at)
         VALUES (@name, @repo_path, @grace_path, @main_branch, @allowed_test_commands_json, @created_at, @updated_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function setProjectTestCommands(
  db: Db,
  change: Pick<ProjectRow, "id" | "allowed_test_commands_json" | "updated_at">,
): void {
  prepared(
    db,
    "UPDATE projects SET allowed_test_commands_json = @allowed_test_commands_json, updated_at = @updated_at WHERE id = @id",
  ).run(change);
}
