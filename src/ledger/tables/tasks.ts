import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** A task as stored; the *_json columns stay strings here, projections decode them. */
export interface TaskRow {
  id: number;
  project_id: number;
  parent_task_id: number | null;
  created_by_role: string;
  title: string;
  objective: string;
  architecture_intent: string;
  constraints_json: string;
  non_goals_json: string;
  acceptance_criteria_json: string;
  allowed_files_json: string;
  forbidden_files_json: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export type NewTask = Omit<TaskRow, "id">;

/** The columns the inbox ranks a task by. */
export type TaskSummaryRow = Pick<
  TaskRow,
  "id" | "project_id" | "title" | "objective" | "status" | "updated_at"
>;

export function findTask(db: Db, id: number): TaskRow | undefined {
  return prepared(db, "SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
}

export function listTasksOfProject(db: Db, projectId: number): TaskRow[] {
  return prepared(db, "SELECT * FROM tasks WHERE project_id = ? ORDER BY id").all(projectId) as TaskRow[];
}

/** Tasks in any of `statuses`, in one project or (projectId null) in all of them. */
export function listTasksInStatuses(
  db: Db,
  statuses: readonly string[],
  projectId: number | null,
): TaskSummaryRow[] {
  const marks = statuses.map(() => "?").join(", ");
  return prepared(
    db,
    `SELECT id, project_id, title, objective, status, updated_at FROM tasks
       WHERE status IN (${marks}) AND (? IS NULL OR project_id = ?)`,
  ).all(...statuses, projectId, projectId) as TaskSummaryRow[];
}

/** Stores a new task and returns its id. */
export function insertTask(db: Db, row: NewTask): number {
  return Number(
    prepared(
      db,
      `INSERT INTO tasks (project_id, parent_task_id, created_by_role, title, objective, architecture_intent,
           constraints_json, non_goals_json, acceptance_criteria_json, allowed_files_json, forbidden_files_json,
           status, created_at, updated_at)
         VALUES (@project_id, @parent_task_id, @created_by_role, @title, @objective, @architecture_intent,
           @constraints_json, @non_goals_json, @acceptance_criteria_json, @allowed_files_json, @forbidden_files_json,
           @status, @created_at, @updated_at)`,
    ).run(row).lastInsertRowid,
  );
}

/** Writes a status the caller has already checked against the task state table. */
export function setTaskStatus(db: Db, change: Pick<TaskRow, "id" | "status" | "updated_at">): void {
  prepared(db, "UPDATE tasks SET status = @status, updated_at = @updated_at WHERE id = @id").run(change);
}
