import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** The table's task-level key: the session that last acted on the task as a whole. */
export const TASK_LEVEL = 0;

export interface ControllerSessionRow {
  task_id: number;
  /** TASK_LEVEL for the task-level row. */
  work_package_id: number;
  session_id: string;
  actor_name: string;
  recorded_at: string;
}

export function findControllerSession(
  db: Db,
  taskId: number,
  packageId: number,
): ControllerSessionRow | undefined {
  return prepared(db, "SELECT * FROM controller_sessions WHERE task_id = ? AND work_package_id = ?").get(
    taskId,
    packageId,
  ) as ControllerSessionRow | undefined;
}

/**
 * A reader of every session recorded on a task (the task-level one, TASK_LEVEL, and each
 * package's), prepared once for a read that visits many tasks.
 */
export function prepareSessionsOfTask(db: Db): (taskId: number) => ControllerSessionRow[] {
  const statement = prepared(db, "SELECT * FROM controller_sessions WHERE task_id = ?");
  return (taskId) => statement.all(taskId) as ControllerSessionRow[];
}

export function saveControllerSession(db: Db, row: ControllerSessionRow): void {
  prepared(
    db,
    `INSERT INTO controller_sessions (task_id, work_package_id, session_id, actor_name, recorded_at)
     VALUES (@task_id, @work_package_id, @session_id, @actor_name, @recorded_at)
     ON CONFLICT (task_id, work_package_id)
     DO UPDATE SET session_id = excluded.session_id, actor_name = excluded.actor_name, recorded_at = excluded.recorded_at`,
  ).run(row);
}

/**
 * The session to resume for a package's event: the one recorded on the package, else the one
 * recorded on its task (a controller waiting on the whole task never names the package).
 */
export function sessionForScope(
  db: Db,
  taskId: number,
  packageId: number | null,
): ControllerSessionRow | undefined {
  return (
    (packageId !== null ? findControllerSession(db, taskId, packageId) : undefined) ??
    findControllerSession(db, taskId, TASK_LEVEL)
  );
}
