import type { Db } from "../ledger/database.js";
import { toEvent, type EventRow } from "./outbox.js";
import type { HandoffEvent } from "./event-types.js";

/**
 * Reads of the outbox whose cost does not grow with a package's history: every query walks an
 * index ((work_package_id, seq) or (task_id, id)) from a known point and stops at its LIMIT.
 * A package's seq runs 1, 2, 3… without gaps (appendEvent takes MAX + 1 under the write lock and
 * rows are never deleted), so its event count is its highest seq and position N is seq N.
 */

export function packageEventCount(db: Db, packageId: number): number {
  const row = db
    .prepare("SELECT MAX(seq) AS n FROM handoff_events WHERE work_package_id = ?")
    .get(packageId) as { n: number | null };
  return row.n ?? 0;
}

/** The seq of `eventId` if it belongs to the package, else null. */
export function packageSeqOf(db: Db, packageId: number, eventId: string): number | null {
  const row = db
    .prepare("SELECT seq FROM handoff_events WHERE event_id = ? AND work_package_id = ?")
    .get(eventId, packageId) as { seq: number } | undefined;
  return row?.seq ?? null;
}

/** At most `limit` events of the package with seq > `afterSeq`, in order. */
export function packageEventsAfter(
  db: Db,
  packageId: number,
  afterSeq: number,
  limit: number,
): HandoffEvent[] {
  return (
    db
      .prepare("SELECT * FROM handoff_events WHERE work_package_id = ? AND seq > ? ORDER BY seq LIMIT ?")
      .all(packageId, afterSeq, limit) as EventRow[]
  ).map(toEvent);
}

/** The row id of `eventId` if it belongs to the task, else null. */
export function taskRowIdOf(db: Db, taskId: number, eventId: string): number | null {
  const row = db
    .prepare("SELECT id FROM handoff_events WHERE event_id = ? AND task_id = ?")
    .get(eventId, taskId) as { id: number } | undefined;
  return row?.id ?? null;
}

/** The row id of the task's event at 1-based `position` (in commit order), or null past the end. */
export function taskRowIdAt(db: Db, taskId: number, position: number): number | null {
  const row = db
    .prepare("SELECT id FROM handoff_events WHERE task_id = ? ORDER BY id LIMIT 1 OFFSET ?")
    .get(taskId, position - 1) as { id: number } | undefined;
  return row?.id ?? null;
}

/** At most `limit` events of the task with row id > `afterId`, in commit order. */
export function taskEventsAfter(db: Db, taskId: number, afterId: number, limit: number): HandoffEvent[] {
  return (
    db
      .prepare("SELECT * FROM handoff_events WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?")
      .all(taskId, afterId, limit) as EventRow[]
  ).map(toEvent);
}

/** The task's newest event, or null. */
export function taskNewestEvent(db: Db, taskId: number): HandoffEvent | null {
  const row = db
    .prepare("SELECT * FROM handoff_events WHERE task_id = ? ORDER BY id DESC LIMIT 1")
    .get(taskId) as EventRow | undefined;
  return row ? toEvent(row) : null;
}
