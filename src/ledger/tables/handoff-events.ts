import type { HandoffEventType } from "../../handoff/event-types.js";
import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/**
 * The handoff outbox. Reads here do not grow with a package's history: each walks an index
 * ((work_package_id, seq) or (task_id, id)) from a known point and stops at its LIMIT. A package's
 * seq runs 1, 2, 3… without gaps (the next seq is MAX + 1 taken under the write lock, and rows are
 * never deleted), so its event count is its highest seq and position N is seq N.
 */

export interface HandoffEventRow {
  id: number;
  event_id: string;
  project_id: number;
  task_id: number;
  work_package_id: number;
  seq: number;
  type: HandoffEventType;
  worker: string;
  payload_json: string;
  created_at: string;
  projected_at: string | null;
}

export type NewHandoffEventRow = Omit<HandoffEventRow, "id" | "projected_at">;

/** The newest event of each package of a task, with the package's event count. */
export interface PackageEventSummary {
  /** The work package id. */
  id: number;
  n: number;
  type: string;
  created_at: string;
}

/** A row the projector has not copied to its package's events file yet. */
export type UnprojectedEvent = Pick<HandoffEventRow, "id" | "project_id" | "task_id" | "work_package_id">;

/** The timeline entries of one package's events (`@id`: the package), for the status page. */
export const PACKAGE_EVENT_TIMELINE_SQL = `SELECT created_at AS at, type || COALESCE(': ' || json_extract(payload_json, '$.message'), '') AS label
            FROM handoff_events WHERE work_package_id = @id`;

export function nextPackageSeq(db: Db, packageId: number): number {
  const row = prepared(
    db,
    "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM handoff_events WHERE work_package_id = ?",
  ).get(packageId) as { next: number };
  return row.next;
}

export function insertHandoffEvent(db: Db, row: NewHandoffEventRow): void {
  prepared(
    db,
    `INSERT INTO handoff_events (event_id, project_id, task_id, work_package_id, seq, type, worker, payload_json, created_at)
     VALUES (@event_id, @project_id, @task_id, @work_package_id, @seq, @type, @worker, @payload_json, @created_at)`,
  ).run(row);
}

export function findHandoffEvent(db: Db, eventId: string): HandoffEventRow | undefined {
  return prepared(db, "SELECT * FROM handoff_events WHERE event_id = ?").get(eventId) as
    HandoffEventRow | undefined;
}

export function packageEventCount(db: Db, packageId: number): number {
  const row = prepared(db, "SELECT MAX(seq) AS n FROM handoff_events WHERE work_package_id = ?").get(
    packageId,
  ) as { n: number | null };
  return row.n ?? 0;
}

/** The seq of `eventId` if it belongs to the package, else null. */
export function packageSeqOf(db: Db, packageId: number, eventId: string): number | null {
  const row = prepared(db, "SELECT seq FROM handoff_events WHERE event_id = ? AND work_package_id = ?").get(
    eventId,
    packageId,
  ) as { seq: number } | undefined;
  return row?.seq ?? null;
}

/** At most `limit` events of the package with seq > `afterSeq`, in order. */
export function packageEventRowsAfter(
  db: Db,
  packageId: number,
  afterSeq: number,
  limit: number,
): HandoffEventRow[] {
  return prepared(
    db,
    "SELECT * FROM handoff_events WHERE work_package_id = @package AND seq > @after ORDER BY seq LIMIT @limit",
  ).all({ package: packageId, after: afterSeq, limit }) as HandoffEventRow[];
}

/**
 * The creation time of the package's `n`-th newest event of one of `types` (1 = the newest),
 * or undefined when it has fewer. Walks the package's seq index backwards and stops there.
 */
export function nthNewestEventTime(
  db: Db,
  packageId: number,
  types: readonly string[],
  n: number,
): string | undefined {
  const marks = types.map(() => "?").join(", ");
  const row = prepared(
    db,
    `SELECT created_at FROM handoff_events WHERE work_package_id = ? AND type IN (${marks})
       ORDER BY seq DESC LIMIT 1 OFFSET ?`,
  ).get(packageId, ...types, n - 1) as { created_at: string } | undefined;
  return row?.created_at;
}

/** The row id of `eventId` if it belongs to the task, else null. */
export function taskRowIdOf(db: Db, taskId: number, eventId: string): number | null {
  const row = prepared(db, "SELECT id FROM handoff_events WHERE event_id = ? AND task_id = ?").get(
    eventId,
    taskId,
  ) as { id: number } | undefined;
  return row?.id ?? null;
}

/** The row id of the task's event at 1-based `position` (in commit order), or null past the end. */
export function taskRowIdAt(db: Db, taskId: number, position: number): number | null {
  const row = prepared(
    db,
    "SELECT id FROM handoff_events WHERE task_id = ? ORDER BY id LIMIT 1 OFFSET ?",
  ).get(taskId, position - 1) as { id: number } | undefined;
  return row?.id ?? null;
}

/** At most `limit` events of the task with row id > `afterId`, in commit order. */
export function taskEventRowsAfter(
  db: Db,
  taskId: number,
  afterId: number,
  limit: number,
): HandoffEventRow[] {
  return prepared(
    db,
    "SELECT * FROM handoff_events WHERE task_id = @task AND id > @after ORDER BY id LIMIT @limit",
  ).all({ task: taskId, after: afterId, limit }) as HandoffEventRow[];
}

/** The task's newest event, or undefined. */
export function newestTaskEventRow(db: Db, taskId: number): HandoffEventRow | undefined {
  return prepared(db, "SELECT * FROM handoff_events WHERE task_id = ? ORDER BY id DESC LIMIT 1").get(
    taskId,
  ) as HandoffEventRow | undefined;
}

/**
 * A reader of, per package of a task, its event count and its newest event's type and time;
 * prepared once for a read that visits many tasks.
 */
export function preparePackageEventSummaries(db: Db): (taskId: number) => PackageEventSummary[] {
  // SQLite returns the bare columns of the row holding MAX(id): the newest event per package.
  const statement = prepared(
    db,
    `SELECT work_package_id AS id, COUNT(*) AS n, type, created_at, MAX(id) AS newest
       FROM handoff_events WHERE task_id = ? GROUP BY work_package_id`,
  );
  return (taskId) => statement.all(taskId) as PackageEventSummary[];
}

/** Each package's newest event, when it is of one of `types`, oldest first. */
export function newestEventsOfTypes(db: Db, types: readonly string[]): HandoffEventRow[] {
  return prepared(
    db,
    `SELECT e.* FROM handoff_events e
        WHERE e.id = (SELECT MAX(id) FROM handoff_events WHERE work_package_id = e.work_package_id)
          AND e.type IN (${types.map(() => "?").join(", ")})
        ORDER BY e.id`,
  ).all(...types) as HandoffEventRow[];
}

export function hasUnprojectedEvents(db: Db): boolean {
  return prepared(db, "SELECT 1 FROM handoff_events WHERE projected_at IS NULL LIMIT 1").get() !== undefined;
}

/** A package with rows not projected yet, and the newest such row's seq. */
export type UnprojectedHighWater = Pick<
  HandoffEventRow,
  "project_id" | "task_id" | "work_package_id" | "seq"
>;

/** Per package with rows not projected yet: the highest seq among them. */
export function unprojectedHighWater(db: Db): UnprojectedHighWater[] {
  return prepared(
    db,
    `SELECT work_package_id, project_id, task_id, MAX(seq) AS seq FROM handoff_events
      WHERE projected_at IS NULL GROUP BY work_package_id`,
  ).all() as UnprojectedHighWater[];
}

/** Rows not projected yet, grouped by package and in seq order within each. */
export function unprojectedEvents(db: Db): UnprojectedEvent[] {
  return prepared(
    db,
    "SELECT id, project_id, task_id, work_package_id FROM handoff_events WHERE projected_at IS NULL ORDER BY work_package_id, seq",
  ).all() as UnprojectedEvent[];
}

/** A writer that marks rows projected at a time, prepared once for a projection of many packages. */
export function prepareMarkProjected(db: Db): (ids: readonly number[], at: string) => void {
  const mark = prepared(db, "UPDATE handoff_events SET projected_at = ? WHERE id = ?");
  return (ids, at) => {
    for (const id of ids) mark.run(at, id);
  };
}
