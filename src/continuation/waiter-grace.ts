import { inTransaction } from "../ledger/database.js";
import { deferDue, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import type { DeliveryResult, DispatchEnv } from "./dispatch.js";
import { liveWaiterOf, type WaiterMark } from "./waiter-mark.js";

const iso = (ms: number) => new Date(ms).toISOString();

function scopeText(mark: WaiterMark): string {
  return mark.work_package_id === null ? `task ${mark.task_id}` : `work package ${mark.work_package_id}`;
}

/**
 * The grace a live controller gets: while a handoff wait covering the delivery's run is alive,
 * and for at most `waiterGraceMs` after the delivery was queued, its launch is put off by
 * `waiterRecheckMs` at a time (no attempt counted), because that wait returns the same event to
 * its controller and then records the delivery as handed over. Null: launch now (no live wait,
 * or the grace is spent).
 */
export async function deferToWaiter(
  env: DispatchEnv,
  row: DeliveryRow,
  nowMs: number,
): Promise<DeliveryResult | null> {
  const until = Date.parse(row.created_at) + env.limits.waiterGraceMs;
  if (!(nowMs < until)) return null;
  const waiter = await liveWaiterOf(env.paths.waitersDir, row.run_id, env.probe);
  if (waiter === null) return null;
  const next = iso(Math.min(until, nowMs + env.limits.waiterRecheckMs));
  const note =
    `Deferred: a controller (server pid ${waiter.pid}) is waiting on ${scopeText(waiter)} in handoff.wait_for_event; ` +
    `launching at ${iso(until)} at the latest unless that wait takes the event`;
  const done = inTransaction(env.db, () => deferDue(env.db, row, next, note));
  return {
    continuation_id: row.continuation_id,
    run_id: row.run_id,
    status: done ? "deferred_to_waiter" : "already_claimed",
    reason: note,
  };
}
