/** The host continuation supervisor's numbers (event types, timeouts, bounds), in one place. */

export const TRIGGER_EVENT_TYPES: ReadonlySet<string> = new Set([
  "WORKER_READY_FOR_REVIEW",
  "WORKER_BLOCKED",
  "WORKER_FAILED",
  "WORKER_NEEDS_CONTROLLER",
]);

export const HOST_EVENT_TYPES = [
  "HOST_CONTINUATION_DETECTED",
  "HOST_CONTROLLER_RESUME_ATTEMPTED",
  "HOST_CONTROLLER_RESUME_STARTED",
  "HOST_CONTROLLER_RESUME_FAILED",
  "HOST_CONTROLLER_LOGICAL_CONTINUATION_STARTED",
  // A failed logical launch has its own name; a failed resume alone is RESUME_FAILED (docs/decisions.md #13).
  "HOST_CONTROLLER_LOGICAL_CONTINUATION_FAILED",
] as const;
export type HostEventType = (typeof HOST_EVENT_TYPES)[number];

export const DELIVERY_STATES = [
  "PENDING",
  "CLAIMED",
  "CONTROLLER_STARTED",
  "ACKNOWLEDGED",
  "RESOLVED",
  "RETRY_WAIT",
  "DEAD_LETTER",
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface DeliveryLimits {
  maxAttempts: number;
  /** Back-off after attempt 1, 2, and every later one. */
  backoffMs: readonly number[];
  claimLeaseMs: number;
  ackLeaseMs: number;
  uncertaintyExtensionMs: number;
  deliveriesPerScan: number;
  /** How long after its delivery was queued a launch waits for a live handoff wait to take the event. */
  waiterGraceMs: number;
  /** How often, within that grace, the supervisor looks again. */
  waiterRecheckMs: number;
}

export const DEFAULT_LIMITS: DeliveryLimits = {
  maxAttempts: 3,
  backoffMs: [5_000, 30_000, 120_000],
  claimLeaseMs: 60_000,
  ackLeaseMs: 300_000,
  uncertaintyExtensionMs: 60_000,
  deliveriesPerScan: 10,
  waiterGraceMs: 10_000,
  waiterRecheckMs: 1_000,
};

export function backoffMs(limits: DeliveryLimits, attempts: number): number {
  const table = limits.backoffMs;
  return table[Math.min(Math.max(attempts, 1), table.length) - 1] ?? 120_000;
}

/** The loop sleeps at least this long between polls. */
export const MIN_POLL_SECONDS = 0.2;
export const DEFAULT_POLL_SECONDS = 5;

/** A lock directory without a readable owner (mkdir by an older tool, or torn) counts as stale after this. */
export const ORPHAN_LOCK_AGE_MS = 600_000;
