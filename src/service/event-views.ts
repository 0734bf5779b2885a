import { EVENT_MAX_BYTES, LOOP_LIST_BUDGET_BYTES, fitByBytes, jsonBytes } from "../domain/limits.js";
import type { HandoffEvent } from "../handoff/event-types.js";

/** Payload fields at most this large stay whole in a compacted event: ids, decisions, statuses, paths. */
const KEPT_FIELD_BYTES = 512;
/** A long text field keeps its beginning, so the reader still sees what the message is about. */
const TEXT_HEAD_CHARS = 500;

/**
 * An event as a loop answer shows it: whole when small; otherwise its large payload fields are
 * replaced by their sizes, and the full event stays in the package's events.ndjson (line = seq).
 */
export function compactEvent(event: HandoffEvent): HandoffEvent {
  if (jsonBytes(event) <= EVENT_MAX_BYTES) return event;
  const payload: Record<string, unknown> = {};
  const shortened: Record<string, number> = {};
  for (const [key, value] of Object.entries(event.payload)) {
    const size = jsonBytes(value);
    if (size <= KEPT_FIELD_BYTES) {
      payload[key] = value;
      continue;
    }
    shortened[key] = size;
    if (typeof value === "string") payload[key] = `${value.slice(0, TEXT_HEAD_CHARS)}…`;
  }
  payload["shortened_field_bytes"] = shortened;
  payload["full_event"] = "the line with this seq in the package's events.ndjson (events_path)";
  return { ...event, payload };
}

function* compacted(events: readonly HandoffEvent[]): Generator<HandoffEvent> {
  for (const event of events) yield compactEvent(event);
}

/** As many (compacted) events as fit a list budget (a loop answer's), in order, never none when some exist. */
export function eventPage(
  events: readonly HandoffEvent[],
  budgetBytes: number = LOOP_LIST_BUDGET_BYTES,
): HandoffEvent[] {
  return fitByBytes(compacted(events), budgetBytes);
}
