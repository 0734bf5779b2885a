import { appendFileSync, openSync, closeSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { killTree, releaseTree, trackTree, type ProcessTree } from "../process/kill-tree.js";
import { spawnExact } from "./spawn.js";

interface Tracked {
  child: ChildProcess;
  tree: ProcessTree;
  stderrPath: string;
  exit: Promise<number>;
  code: number | null;
}

/** Headless children of THIS server process only (reference §8.5): another process cannot poll or cancel them. */
const tracked = new Map<number, Tracked>();

export const CANCEL_WAIT_MS = 10_000;

export async function startHeadless(
  sessionId: number,
  argv: readonly string[],
  cwd: string,
  env: Record<string, string>,
  logs: { stdout: string; stderr: string },
): Promise<number> {
  mkdirSync(path.dirname(logs.stdout), { recursive: true });
  const out = openSync(logs.stdout, "w");
  const err = openSync(logs.stderr, "w");
  try {
    const child = await spawnExact({ argv, cwd, env, stdio: ["ignore", out, err] });
    const entry: Tracked = {
      child,
      // On Windows the session joins a Job Object so a cancel stops what it started too.
      tree: trackTree(child),
      stderrPath: logs.stderr,
      code: null,
      exit: new Promise<number>((resolve) => {
        child.once("exit", (code, signal) => {
          entry.code = code ?? (signal ? 128 : 1);
          releaseTree(entry.tree);
          resolve(entry.code);
        });
      }),
    };
    child.unref();
    tracked.set(sessionId, entry);
    return child.pid!;
  } finally {
    closeSync(out);
    closeSync(err);
  }
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
