import path from "node:path";

/** Where the supervisor keeps its own files, under `<data>/host-continuation`. */
export interface HostPaths {
  dataDir: string;
  runsDir: string;
  root: string;
  cursorFile: string;
  locksDir: string;
  promptsDir: string;
  /** The pending marks of launches whose gate has not yet taken the spec (launch-pending.ts). */
  launchesDir: string;
  /** One line per reclaimed stale run lock (the predecessor had no reclaim to record). */
  reclaimsFile: string;
  /** The marks of handoff waits in progress (waiter-mark.ts). */
  waitersDir: string;
}

export function hostPaths(dataDir: string): HostPaths {
  const root = path.join(dataDir, "host-continuation");
  return {
    dataDir,
    runsDir: path.join(dataDir, "runs"),
    root,
    cursorFile: path.join(root, "cursor.json"),
    locksDir: path.join(root, "locks"),
    promptsDir: path.join(root, "prompts"),
    launchesDir: path.join(root, "launches"),
    reclaimsFile: path.join(root, "lock-reclaims.ndjson"),
    waitersDir: path.join(root, "waiters"),
  };
}

/** The run directory of a run id (`project-<p>/task-<t>/package-<w>`), refusing ids that leave runs/. */
export function runRoot(dataDir: string, runId: string): string | null {
  const segments = runId.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\"))) return null;
  return path.join(dataDir, "runs", ...segments);
}

export interface RunNumbers {
  projectId: number | null;
  taskId: number | null;
  packageId: number | null;
}

export function parseRunId(runId: string): RunNumbers {
  const match = /^project-(\d+)\/task-(\d+)\/package-(\d+)$/.exec(runId);
  if (!match) return { projectId: null, taskId: null, packageId: null };
  return { projectId: Number(match[1]), taskId: Number(match[2]), packageId: Number(match[3]) };
}
