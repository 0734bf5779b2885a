import type { Db } from "../database.js";
import { prepared } from "../statements.js";

export type ReviewTargetType = "work_package" | "task";

/** One review exactly as stored (immutable once written). JSON columns stay strings. */
export interface ReviewRow {
  id: number;
  /** A ReviewTargetType; read as stored. */
  target_type: string;
  target_id: number;
  reviewer_role: string;
  reviewer_agent: string;
  effective_role: string;
  decision: string;
  findings_json: string;
  required_fixes_json: string;
  created_at: string;
}

/** Returns the new review's id. */
export function insertReview(db: Db, row: Omit<ReviewRow, "id"> & { target_type: ReviewTargetType }): number {
  return Number(
    prepared(
      db,
      `INSERT INTO reviews (target_type, target_id, reviewer_role, reviewer_agent, effective_role, decision,
           findings_json, required_fixes_json, created_at)
         VALUES (@target_type, @target_id, @reviewer_role, @reviewer_agent, @effective_role, @decision,
           @findings_json, @required_fixes_json, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function findReview(db: Db, id: number): ReviewRow | undefined {
  return prepared(db, "SELECT * FROM reviews WHERE id = ?").get(id) as ReviewRow | undefined;
}

/** The newest review of a work package, whatever its decision. */
export function latestPackageReview(db: Db, packageId: number): ReviewRow | undefined {
  return prepared(
    db,
    "SELECT * FROM reviews WHERE target_type = 'work_package' AND target_id = ? ORDER BY id DESC LIMIT 1",
  ).get(packageId) as ReviewRow | undefined;
}

/** The newest review of a work package with the given decision. */
export function latestPackageReviewWith(db: Db, packageId: number, decision: string): ReviewRow | undefined {
  return prepared(
    db,
    `SELECT * FROM reviews
       WHERE target_type = 'work_package' AND target_id = @package_id AND decision = @decision
       ORDER BY id DESC LIMIT 1`,
  ).get({ package_id: packageId, decision }) as ReviewRow | undefined;
}

/** How many reviews of a work package did not accept it. */
export function countPackageNonAcceptances(db: Db, packageId: number): number {
  return (
    prepared(
      db,
      "SELECT COUNT(*) AS c FROM reviews WHERE target_type = 'work_package' AND target_id = ? AND decision != 'accepted'",
    ).get(packageId) as { c: number }
  ).c;
}

/** The decisions of the reviews of a task as a whole (not of its packages). */
export function taskReviewDecisions(db: Db, taskId: number): string[] {
  return (
    prepared(db, "SELECT decision FROM reviews WHERE target_type = 'task' AND target_id = ?").all(taskId) as {
      decision: string;
    }[]
  ).map((r) => r.decision);
}

/** The reviews of a task and of the given packages (its own), newest first. */
export function listReviewsOfTask(db: Db, taskId: number, packageIds: readonly number[]): ReviewRow[] {
  const marks = packageIds.map(() => "?").join(",");
  return prepared(
    db,
    `SELECT * FROM reviews WHERE (target_type = 'task' AND target_id = ?)
         ${packageIds.length ? `OR (target_type = 'work_package' AND target_id IN (${marks}))` : ""}
       ORDER BY id DESC`,
  ).all(taskId, ...packageIds) as ReviewRow[];
}

/**
 * One timeline entry per review of the work package `@id` (`at`, `label`), unordered. SQL rather
 * than a function because the status page prepares it once and runs it for every package.
 */
export const PACKAGE_REVIEW_TIMELINE_SQL = `SELECT created_at AS at, reviewer_role || ' review: ' || decision AS label
             FROM reviews WHERE target_type = 'work_package' AND target_id = @id`;
