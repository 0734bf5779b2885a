import { appendFileSync, openSync, closeSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { killTree, releaseTree, trackTree, type ProcessTree } from "../process/kill-tree.js";
import { startMimoGate, type MimoGate } from "./launch-gate.js";

interface Tracked {
  child: ChildProcess;
  tree: ProcessTree;
  stderrPath: string;
  exit: Promise<number>;
  code: number | null;
}

/** Headless children of THIS server process only: another process cannot poll or cancel them. */
const tracked = new Map<number, Tracked>();

export const CANCEL_WAIT_MS = 10_000;

/**
 * Opens the session's log pair and starts the launch gate whose Mimo will write to it. The
 * gate's tree is tracked at once (on Windows it joins a Job Object before Mimo exists, so Mimo
 * joins it too).
 */
export async function startHeadlessGate(
  cwd: string,
  env: Readonly<Record<string, string>>,
  logs: { stdout: string; stderr: string },
): Promise<{ gate: MimoGate; tree: ProcessTree }> {
  mkdirSync(path.dirname(logs.stdout), { recursive: true });
  const out = openSync(logs.stdout, "w");
  const err = openSync(logs.stderr, "w");
  try {
    const gate = await startMimoGate({ cwd, env, out, err });
    return { gate, tree: trackTree(gate.child) };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? (signal ? 128 : 1);
}

/** Tracks a released headless gate: it exits with Mimo's exit code. */
export function trackHeadless(
  sessionId: number,
  launched: { child: ChildProcess; tree: ProcessTree; stderrPath: string },
): void {
  const { child, tree, stderrPath } = launched;
  const entry: Tracked = { child, tree, stderrPath, code: null, exit: Promise.resolve(0) };
  const done = (code: number | null, signal: NodeJS.Signals | null) => {
    entry.code = exitCodeOf(code, signal);
    releaseTree(entry.tree);
    return entry.code;
  };
  entry.exit =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(done(child.exitCode, child.signalCode))
      : new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(done(code, signal))));
  child.unref();
  tracked.set(sessionId, entry);
}

export function ownsHeadless(sessionId: number): boolean {
  return tracked.has(sessionId);
}

/** Exit code of an owned child that has exited; null while it runs or when it is not ours. */
export function headlessExitCode(sessionId: number): number | null {
  return tracked.get(sessionId)?.code ?? null;
}

function within(p: Promise<number>, ms: number): Promise<number | null> {
  return Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), ms).unref())]);
}

/** Stops the session's tree; a failed stop is written to the session's stderr log, which its owner reads. */
async function stopReported(entry: Tracked, signal: NodeJS.Signals): Promise<void> {
  const failure = await killTree(entry.tree, signal);
  if (failure !== null) {
    appendFileSync(
      entry.stderrPath,
      `\n[grace-orchestrator] stopping the session's process tree failed: ${failure}\n`,
    );
  }
}

/** Terminate, wait ≤ 10 s, then kill the group and wait ≤ 10 s. Returns the exit code, or null if it would not die. */
export async function cancelHeadless(sessionId: number, waitMs = CANCEL_WAIT_MS): Promise<number | null> {
  const entry = tracked.get(sessionId);
  if (!entry) return null;
  if (entry.code !== null) return entry.code;
  await stopReported(entry, "SIGTERM");
  const first = await within(entry.exit, waitMs);
  if (first !== null) return first;
  await stopReported(entry, "SIGKILL");
  return within(entry.exit, waitMs);
}

export function forgetHeadless(sessionId: number): void {
  tracked.delete(sessionId);
}
