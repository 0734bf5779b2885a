/** Per-package timelines for the HTML status page: events, reviews, Mimo launches, continuations. */
import type { Db } from "../ledger/database.js";
import { RUN_DELIVERY_TIMELINE_SQL } from "../ledger/tables/continuation-deliveries.js";
import { PACKAGE_EVENT_TIMELINE_SQL } from "../ledger/tables/handoff-events.js";
import { PACKAGE_REVIEW_TIMELINE_SQL } from "../ledger/tables/reviews.js";
import { PACKAGE_SESSION_TIMELINE_SQL } from "../ledger/tables/mimo-sessions.js";
import type { StatusSnapshot } from "./snapshot.js";

export type TimelineKind = "event" | "review" | "launch" | "continuation";

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  label: string;
}

/** The most entries one package's timeline shows (the newest); the page stays bounded. */
export const TIMELINE_LIMIT = 200;

const QUERIES: Record<TimelineKind, string> = {
  event: PACKAGE_EVENT_TIMELINE_SQL,
  review: PACKAGE_REVIEW_TIMELINE_SQL,
  launch: PACKAGE_SESSION_TIMELINE_SQL,
  continuation: RUN_DELIVERY_TIMELINE_SQL,
};

/** Timelines keyed by work package id, oldest entry first. */
export function timelines(db: Db, snap: StatusSnapshot): Map<number, TimelineEntry[]> {
  const statements = Object.entries(QUERIES).map(
    ([kind, sql]) => [kind as TimelineKind, db.prepare(sql)] as const,
  );
  const out = new Map<number, TimelineEntry[]>();
  for (const p of snap.projects) {
    for (const t of p.tasks) {
      for (const w of t.work_packages) {
        const params = { id: w.id, run: `project-${p.id}/task-${t.id}/package-${w.id}` };
        const entries = statements.flatMap(([kind, stmt]) =>
          (stmt.all(params) as { at: string; label: string }[]).map((r) => ({
            at: r.at,
            kind,
            label: r.label,
          })),
        );
        entries.sort((a, b) => a.at.localeCompare(b.at));
        out.set(w.id, entries.slice(-TIMELINE_LIMIT));
      }
    }
  }
  return out;
}
