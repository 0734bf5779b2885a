import type { NamedSignal } from "./named-signal.js";

export type WaitUntilResult<T> =
  { status: "ready"; value: T } | { status: "timeout" } | { status: "aborted" };

export interface WaitUntilOptions {
  /** Absolute time (Date.now() scale) after which the answer is "timeout". */
  deadline: number;
  abort?: AbortSignal;
  /** Longest single native wait; onSlice runs after each slice that ended without a wake. */
  sliceMs?: number;
  onSlice?: (slice: number) => Promise<void> | void;
}

/**
 * Waits until `check` returns a value. This is the only way the code waits on durable state,
 * so the race-free order is enforced here rather than remembered by callers: the waiter is
 * registered BEFORE the first check, every wake (or slice end) is followed by a fresh check,
 * and the waiter is always released. A commit that happens after a check is therefore either
 * seen by the next check or has already latched a wake for the coming wait.
 */
export async function waitUntil<T>(
  signal: NamedSignal,
  channel: string,
  check: () => T | undefined,
  opts: WaitUntilOptions,
): Promise<WaitUntilResult<T>> {
  const waiter = signal.subscribe(channel);
  try {
    for (let slice = 1; ; slice += 1) {
      const value = check();
      if (value !== undefined) return { status: "ready", value };
      const remaining = opts.deadline - Date.now();
      if (remaining <= 0) return { status: "timeout" };
      const outcome = await waiter.wait(Math.min(remaining, opts.sliceMs ?? remaining), opts.abort);
      if (outcome === "aborted") return { status: "aborted" };
      if (outcome === "timeout") await opts.onSlice?.(slice);
    }
  } finally {
    waiter.close();
  }
}
