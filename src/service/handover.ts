import { continuationId, newAttemptId } from "../continuation/ids.js";
import { TRIGGER_EVENT_TYPES } from "../continuation/limits.js";
import type { HandoffEvent } from "../handoff/event-types.js";
import { runId } from "../handoff/run-paths.js";
import { inTransactionUnsynced } from "../ledger/database.js";
import { HANDED_OVER_KEY, findDelivery, handOverDelivery } from "../ledger/tables/continuation-deliveries.js";
import { stableJson } from "../ledger/json.js";
import { removeWaiterMark } from "../continuation/waiter-mark.js";
import { audit, nowIso, type ServiceContext } from "./context.js";

/**
 * Records, in one transaction, that a handoff wait returned these trigger events to its
 * controller: each one's continuation delivery (the one the supervisor would launch for) becomes
 * RESOLVED, with the client's session and the handover as its resolution (the controller that got
 * the event owes no ACK or resolve for it), so the supervisor launches no second controller for
 * an event a live controller already has. A delivery a controller was already launched for is
 * left as it is. Answers the continuation ids handed over.
 */
export function handOverTriggers(
  ctx: ServiceContext,
  events: readonly HandoffEvent[],
  sessionId: string | null,
): string[] {
  const triggers = events.filter((e) => TRIGGER_EVENT_TYPES.has(e.type));
  if (triggers.length === 0) return [];
  const resolution = stableJson({
    [HANDED_OVER_KEY]: { controller_session_id: sessionId, server_pid: process.pid },
  });
  // Not fsync'd: a power loss that drops it also ended the waiting controller, and a launch is then right.
  return inTransactionUnsynced(ctx.db, () => {
    const now = nowIso(ctx);
    const handed: string[] = [];
    for (const e of triggers) {
      const run = runId({ projectId: e.project_id, taskId: e.task_id, packageId: e.work_package_id });
      const id = continuationId(run, e.event_id);
      const h = {
        continuation_id: id,
        run_id: run,
        source_event_id: e.event_id,
        attempt_id: newAttemptId(),
        session_id: sessionId,
        resolution_json: resolution,
        now,
      };
      if (!handOverDelivery(ctx.db, h)) continue;
      handed.push(id);
      audit(ctx, "codex", "CONTINUATION_HANDED_OVER", "continuation", findDelivery(ctx.db, id)!.id, {
        continuation_id: id,
        source_event_id: e.event_id,
      });
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
  events: readonly HandoffEvent[],
  sessionId: string | null,
  mark: string | null,
): void {
  try {
    handOverTriggers(ctx, events, sessionId);
  } catch {
    // Nothing recorded: the supervisor launches for these events, as with no wait at all.
  } finally {
    removeWaiterMark(mark);
  }
}
