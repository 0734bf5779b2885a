import path from "node:path";

/** One run directory per work package under <data>/runs. */
export interface RunIds {
  projectId: number;
  taskId: number;
  packageId: number;
}

export function runId(ids: RunIds): string {
  return `project-${ids.projectId}/task-${ids.taskId}/package-${ids.packageId}`;
}

export function runDir(dataDir: string, ids: RunIds): string {
  return path.join(dataDir, "runs", ...runId(ids).split("/"));
}

export function eventsPath(dataDir: string, ids: RunIds): string {
  return path.join(runDir(dataDir, ids), "events.ndjson");
}

export function hostEventsPath(dataDir: string, ids: RunIds): string {
  return path.join(runDir(dataDir, ids), "host-events.ndjson");
}

export function reportPath(dataDir: string, ids: RunIds): string {
  return path.join(runDir(dataDir, ids), "handoff", `WP-${ids.packageId}.report.md`);
}

/** The channels a package's event wakes: its controller, a task-wide controller, and the host supervisor. */
export function wakeChannels(ids: RunIds): string[] {
  return [`package-${ids.packageId}`, `task-${ids.taskId}`, "runs"];
}
