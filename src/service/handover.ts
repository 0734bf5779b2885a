import { continuationId, newAttemptId } from "../continuation/ids.js";
import { TRIGGER_EVENT_TYPES } from "../continuation/limits.js";
import type { HandoffEvent } from "../handoff/event-types.js";
import { runId } from "../handoff/run-paths.js";
import { inTransactionUnsynced } from "../ledger/database.js";
import { HANDED_OVER_KEY, findDelivery, handOverDelivery } from "../ledger/tables/continuation-deliveries.js";
import { stableJson } from "../ledger/json.js";
import { removeWaiterMark } from "../continuation/waiter-mark.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { compactEvent } from "./event-views.js";
import { fitByBytes } from "../domain/limits.js";

/** A trigger event a wait returned, with the keys its holder resolves it by. */
export interface HeldEvent {
  continuation_id: string;
  source_event_id: string;
  attempt_id: string;
}

/** The process that holds the events a wait returned: the waiting server, by pid and OS start time. */
export interface Holder {
  pid: number;
  os_start_time: string;
  sessionId: string | null;
}

const runOfEvent = (e: HandoffEvent) =>
  runId({ projectId: e.project_id, taskId: e.task_id, packageId: e.work_package_id });

/** The keys a holder resolves one event by, with a fresh attempt id; null for a non-trigger event. */
function heldOf(e: HandoffEvent): HeldEvent | null {
  if (!TRIGGER_EVENT_TYPES.has(e.type)) return null;
  return {
    continuation_id: continuationId(runOfEvent(e), e.event_id),
    source_event_id: e.event_id,
    attempt_id: newAttemptId(),
  };
}

function* withHeld(events: readonly HandoffEvent[]) {
  for (const e of events) yield { event: compactEvent(e), held: heldOf(e) };
}

/**
 * As many (compacted) events as fit the list budget, in order and never none when some exist,
 * with the held keys of the trigger events among them: the keys take their share of the budget.
 */
export function heldPage(
  events: readonly HandoffEvent[],
  budgetBytes: number,
): { shown: HandoffEvent[]; held: HeldEvent[] } {
  const fitted = fitByBytes(withHeld(events), budgetBytes);
  return { shown: fitted.map((f) => f.event), held: fitted.flatMap((f) => (f.held ? [f.held] : [])) };
}

/**
 * Records, in one transaction, that a handoff wait returned these trigger events to its
 * controller: each one's continuation delivery (the one the supervisor would launch for) becomes
 * ACKNOWLEDGED under the attempt id the answer named, held by the waiting server, so the
 * supervisor launches no second controller while that server lives; its lease recovery returns
 * the delivery to PENDING once the server is gone unresolved. A delivery a controller was already
 * launched for is left as it is. Answers the continuation ids handed over.
 */
export function handOverTriggers(
  ctx: ServiceContext,
  events: readonly HandoffEvent[],
  held: readonly HeldEvent[],
  holder: Holder,
): string[] {
  if (held.length === 0) return [];
  const resolution = stableJson({
    [HANDED_OVER_KEY]: { controller_session_id: holder.sessionId, server_pid: holder.pid },
  });
  const byId = new Map(events.map((e) => [e.event_id, e]));
  // Not fsync'd: a power loss that drops it also ended the waiting controller, and a launch is then right.
  return inTransactionUnsynced(ctx.db, () => {
    const now = nowIso(ctx);
    const handed: string[] = [];
    for (const h of held) {
      const change = {
        ...h,
        run_id: runOfEvent(byId.get(h.source_event_id)!),
        session_id: holder.sessionId,
        holder_pid: holder.pid,
        holder_started_at_os: holder.os_start_time,
        resolution_json: resolution,
        now,
      };
      if (!handOverDelivery(ctx.db, change)) continue;
      handed.push(h.continuation_id);
      audit(
        ctx,
        "codex",
        "CONTINUATION_HANDED_OVER",
        "continuation",
        findDelivery(ctx.db, h.continuation_id)!.id,
        {
          continuation_id: h.continuation_id,
          source_event_id: h.source_event_id,
        },
      );
    }
    return handed;
  });
}

/**
 * The end of a wait: hands its trigger events over, then removes its mark, never throwing (it runs
 * after the answer). A handover that fails leaves the events to the supervisor, which, with the
 * mark gone, launches for them as usual.
 */
export function handOverThenUnmark(
  ctx: ServiceContext,
  taken: { events: readonly HandoffEvent[]; held: readonly HeldEvent[] },
  holder: Holder,
  mark: string | null,
): void {
  try {
    handOverTriggers(ctx, taken.events, taken.held, holder);
  } catch {
    // Nothing recorded: the supervisor launches for these events, as with no wait at all.
  } finally {
    removeWaiterMark(mark);
  }
}
