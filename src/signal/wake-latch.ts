/**
 * The per-waiter state machine both backends share: a latched "pending wake" flag, at most one
 * outstanding wait(), its timer and its abort listener. Backends feed it with signal() and give
 * it a synchronous drain() so a wake sitting in the OS object counts before the wait starts.
 */
import type { WaitOutcome } from "./named-signal.js";

export interface LatchHooks {
  /** Consumes a wake already pending in the OS object; true if there was one. */
  drain(): boolean;
  /** Called when a wait starts (true) or ends (false), to arm or disarm the OS wait. */
  armed?(on: boolean): void;
}

const MAX_TIMER_MS = 2_147_483_647;

export class WakeLatch {
  private pending = false;
  private closed = false;
  private finishCurrent: ((outcome: WaitOutcome) => void) | undefined;

  constructor(private readonly hooks: LatchHooks) {}

  /** A wake arrived: resolve the wait in progress, or remember it for the next one. */
  signal(): void {
    if (this.closed) return;
    if (this.finishCurrent) this.finishCurrent("signaled");
    else this.pending = true;
  }

  wait(ms: number, abort?: AbortSignal): Promise<WaitOutcome> {
    if (this.closed) return Promise.reject(new Error("wait() on a closed waiter"));
    if (this.finishCurrent) return Promise.reject(new Error("wait() already in progress on this waiter"));
    // Aborted first: an abort must not consume a pending wake, which stays for the next wait.
    if (abort?.aborted) return Promise.resolve("aborted");
    if (this.pending || this.hooks.drain()) {
      this.pending = false;
      return Promise.resolve("signaled");
    }
    if (!(ms > 0)) return Promise.resolve("timeout");
    return new Promise<WaitOutcome>((resolve) => {
      const onAbort = (): void => finish("aborted");
      const timer = setTimeout(() => finish("timeout"), Math.min(ms, MAX_TIMER_MS));
      const finish = (outcome: WaitOutcome): void => {
        if (this.finishCurrent !== finish) return;
        this.finishCurrent = undefined;
        clearTimeout(timer);
        abort?.removeEventListener("abort", onAbort);
        this.hooks.armed?.(false);
        resolve(outcome);
      };
      this.finishCurrent = finish;
      abort?.addEventListener("abort", onAbort, { once: true });
      this.hooks.armed?.(true);
    });
  }

  close(): void {
    if (this.closed) return;
    this.finishCurrent?.("aborted");
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
