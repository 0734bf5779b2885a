import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** A submission exactly as stored. JSON columns stay strings here; projections decode them. */
export interface SubmissionRow {
  id: number;
  work_package_id: number;
  submitted_by_agent: string;
  base_commit: string;
  head_commit: string;
  diff: string;
  diff_hash: string;
  summary: string;
  tests_run_json: string;
  files_changed_json: string;
  worker_report_json: string;
  worker_report_validation_json: string;
  risk_notes: string;
  created_at: string;
}

export type NewSubmission = Omit<SubmissionRow, "id">;

export function findSubmission(db: Db, id: number): SubmissionRow | undefined {
  return prepared(db, "SELECT * FROM submissions WHERE id = ?").get(id) as SubmissionRow | undefined;
}

/** The package's newest submission. */
export function findLatestSubmission(db: Db, packageId: number): SubmissionRow | undefined {
  return prepared(db, "SELECT * FROM submissions WHERE work_package_id = ? ORDER BY id DESC LIMIT 1").get(
    packageId,
  ) as SubmissionRow | undefined;
}

/** The head commit of the package's newest submission, without reading its diff. */
export function findLatestSubmissionHead(db: Db, packageId: number): string | undefined {
  const row = prepared(
    db,
    "SELECT head_commit FROM submissions WHERE work_package_id = ? ORDER BY id DESC LIMIT 1",
  ).get(packageId) as { head_commit: string } | undefined;
  return row?.head_commit;
}

/** Head commits of every submission of a package, oldest first. */
export function listSubmissionHeads(db: Db, packageId: number): string[] {
  return (
    prepared(db, "SELECT head_commit FROM submissions WHERE work_package_id = ? ORDER BY id").all(
      packageId,
    ) as {
      head_commit: string;
    }[]
  ).map((r) => r.head_commit);
}

/** Every submission of the given packages, oldest first. */
export function listSubmissionsOfPackages(db: Db, packageIds: readonly number[]): SubmissionRow[] {
  if (packageIds.length === 0) return [];
  const marks = packageIds.map(() => "?").join(",");
  return prepared(db, `SELECT * FROM submissions WHERE work_package_id IN (${marks}) ORDER BY id`).all(
    ...packageIds,
  ) as SubmissionRow[];
}

/** A submission's diff with the project it belongs to (through its package's task). */
export function findSubmissionDiff(db: Db, id: number): { diff: string; project_id: number } | undefined {
  return prepared(
    db,
    `SELECT s.diff, t.project_id FROM submissions s JOIN work_packages p ON p.id = s.work_package_id
         JOIN tasks t ON t.id = p.task_id WHERE s.id = ?`,
  ).get(id) as { diff: string; project_id: number } | undefined;
}

/** Inserts a submission and returns its id. */
export function insertSubmission(db: Db, row: NewSubmission): number {
  const inserted = prepared(
    db,
    `INSERT INTO submissions (work_package_id, submitted_by_agent, base_commit, head_commit, diff, diff_hash, summary,
         tests_run_json, files_changed_json, worker_report_json, worker_report_validation_json, risk_notes, created_at)
       VALUES (@work_package_id, @submitted_by_agent, @base_commit, @head_commit, @diff, @diff_hash, @summary,
         @tests_run_json, @files_changed_json, @worker_report_json, @worker_report_validation_json, @risk_notes,
         @created_at)`,
  ).run(row);
  return Number(inserted.lastInsertRowid);
}
