import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** One revision of a task's verification plan exactly as stored. JSON columns stay strings. */
export interface VerificationPlanRow {
  id: number;
  task_id: number;
  revision: number;
  test_strategy: string;
  test_commands_json: string;
  risk_coverage_json: string;
  acceptance_mapping_json: string;
  created_by_agent: string;
  created_at: string;
}

/** The highest revision registered for a task, 0 when it has none. */
export function latestVerificationPlanRevision(db: Db, taskId: number): number {
  return (
    (
      prepared(db, "SELECT MAX(revision) AS r FROM verification_plans WHERE task_id = ?").get(taskId) as {
        r: number | null;
      }
    ).r ?? 0
  );
}

/** Returns the new plan's id. */
export function insertVerificationPlan(db: Db, row: Omit<VerificationPlanRow, "id">): number {
  return Number(
    prepared(
      db,
      `INSERT INTO verification_plans (task_id, revision, test_strategy, test_commands_json, risk_coverage_json,
           acceptance_mapping_json, created_by_agent, created_at)
         VALUES (@task_id, @revision, @test_strategy, @test_commands_json, @risk_coverage_json,
           @acceptance_mapping_json, @created_by_agent, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function findVerificationPlan(db: Db, id: number): VerificationPlanRow | undefined {
  return prepared(db, "SELECT * FROM verification_plans WHERE id = ?").get(id) as
    VerificationPlanRow | undefined;
}
