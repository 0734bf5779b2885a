import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** One run of an allowlisted test command; `command_json` is the argv as JSON. */
export interface TestRunRow {
  id: number;
  task_id: number;
  work_package_id: number | null;
  command_key: string;
  command_json: string;
  /** null when the command ended by a signal. */
  exit_code: number | null;
  stdout_path: string;
  stderr_path: string;
  created_at: string;
}

export type NewTestRun = Omit<TestRunRow, "id">;

/** Inserts a test run and returns its id. */
export function insertTestRun(db: Db, row: NewTestRun): number {
  const inserted = prepared(
    db,
    `INSERT INTO test_runs (task_id, work_package_id, command_key, command_json, exit_code, stdout_path, stderr_path,
         created_at)
       VALUES (@task_id, @work_package_id, @command_key, @command_json, @exit_code, @stdout_path, @stderr_path,
         @created_at)`,
  ).run(row);
  return Number(inserted.lastInsertRowid);
}
