import { OrchestratorError } from "../domain/errors.js";
import type { Db } from "../ledger/database.js";
import { taskEventCount } from "../ledger/tables/work-packages.js";
import type { HandoffEvent } from "./event-types.js";
import {
  newestTaskEventRow,
  packageEventCount,
  packageEventRowsAfter,
  packageSeqOf,
  taskEventRowsAfter,
  taskRowIdAt,
  taskRowIdOf,
} from "../ledger/tables/handoff-events.js";
import { toEvent } from "./outbox.js";

/**
 * One ordered stream of events (a package's, or a whole task's) addressed by a numeric key that
 * grows with commit order: a package's seq, or the row id for a task. A cursor is resolved to a
 * key once; every later read starts from that key, so no read walks the history before it.
 */
export interface EventSource {
  count(): number;
  /** The key of `eventId` in this stream, or null if the event is not in it. */
  keyOf(eventId: string): number | null;
  /** The key of the event at 1-based `position`, or null past the end. */
  keyAt(position: number): number | null;
  after(key: number, limit: number): HandoffEvent[];
  newest(): HandoffEvent | null;
}

export function packageSource(db: Db, packageId: number): EventSource {
  const count = () => packageEventCount(db, packageId);
  const after = (key: number, limit: number) => packageEventRowsAfter(db, packageId, key, limit).map(toEvent);
  return {
    count,
    keyOf: (eventId) => packageSeqOf(db, packageId, eventId),
    keyAt: (position) => (position <= count() ? position : null),
    after,
    newest: () => after(count() - 1, 1)[0] ?? null,
  };
}

export function taskSource(db: Db, taskId: number): EventSource {
  return {
    count: () => taskEventCount(db, taskId),
    keyOf: (eventId) => taskRowIdOf(db, taskId, eventId),
    keyAt: (position) => taskRowIdAt(db, taskId, position),
    after: (key, limit) => taskEventRowsAfter(db, taskId, key, limit).map(toEvent),
    newest: () => {
      const row = newestTaskEventRow(db, taskId);
      return row ? toEvent(row) : null;
    },
  };
}

/**
 * The key after which an `after_event_id` cursor continues: an event id of this stream, or a
 * 1-based position given as digits; null, blank and "0" mean from the start. Anything else is
 * refused rather than read as "from the start", which would replay the whole history.
 */
export function resolveCursor(source: EventSource, cursor: string | null | undefined): number {
  const text = cursor?.trim();
  if (!text || text === "0") return 0;
  const key = source.keyOf(text);
  if (key !== null) return key;
  if (/^\d+$/.test(text)) {
    const at = source.keyAt(Number(text));
    if (at !== null) return at;
  }
  throw new OrchestratorError(`Unknown after_event_id cursor: '${text}'`);
}

/** The key after `count` events already seen, or null while fewer than that exist (nothing new yet). */
export function resolveCount(source: EventSource, count: number): number | null {
  return count <= 0 ? 0 : source.keyAt(count);
}

/** Runs reads in one deferred transaction: they all see the same committed state. */
export function readSnapshot<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).deferred();
}
