/**
 * The cross-process wake primitive: a broadcast "something changed on channel X" hint.
 *
 * The OS signal is only a hint; the truth is always durable state (the ledger). The contract
 * that makes lost wake-ups impossible:
 *
 *   waiter:   w = subscribe(ch)  →  check durable state  →  w.wait(ms)  →  re-check  (loop)
 *   notifier: commit durable state  →  notify(ch)
 *
 * subscribe() returns only once the waiter's endpoint is registered and visible to notifiers,
 * and every wake delivered after that point is latched until a wait() consumes it. So for any
 * commit C: either the waiter's check ran after C (it sees C), or the check ran before C, hence
 * subscribe() finished before C, hence before notify() enumerated the channel: notify() finds
 * the endpoint and latches a wake, and the next wait() returns "signaled" (at once if the wake
 * came before the wait started). Checking before subscribing, or discarding wakes that arrived
 * between subscribe and the check, reopens the window; test/integration/signal-race proves both.
 * In a loop (wait → re-check → wait) a wake that arrived before the re-check makes the next wait
 * return at once with nothing new: spurious wake-ups are possible, lost ones are not.
 */
import path from "node:path";
import { openPosixSignal } from "./posix-fifo.js";
import { openWindowsSignal } from "./windows-event.js";

export type WaitOutcome = "signaled" | "timeout" | "aborted";

export interface Waiter {
  /**
   * Resolves "signaled" when a wake arrived since subscribe() or since the previous wait()
   * consumed one (immediately if it is already pending), "timeout" after `ms`, or "aborted"
   * when `abort` fires or the waiter is closed. One wait at a time per waiter.
   */
  wait(ms: number, abort?: AbortSignal): Promise<WaitOutcome>;
  /** Removes the registry entry and releases the OS objects; idempotent. */
  close(): void;
}

export interface NamedSignal {
  /** Registers a waiter synchronously: call it BEFORE checking durable state. */
  subscribe(channel: string): Waiter;
  /** Wakes every live waiter of the channel; never blocks; removes dead waiters' entries. Call AFTER commit. */
  notify(channel: string): number;
  /** Closes every waiter this instance created. */
  close(): void;
}

export function openNamedSignal(dataDir: string): NamedSignal {
  const root = path.resolve(dataDir);
  return process.platform === "win32" ? openWindowsSignal(root) : openPosixSignal(root);
}
