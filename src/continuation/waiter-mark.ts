/**
 * The mark of a handoff wait in progress: `<data>/host-continuation/waiters/<pid>-<nonce>.json`,
 * written by the server when a `handoff.wait_for_event` call starts waiting and removed when it
 * ends. It names the package (or the whole task) waited on and the server process by pid and OS
 * start time, so the supervisor can tell that a controller is alive inside a wait and give it
 * the event first. A mark whose process is gone (the server was killed) covers nothing: liveness
 * of the named process decides, never the file alone.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../handoff/ndjson-file.js";
import { captureIdentity, type Liveness } from "../process/identity.js";
import type { LivenessProbe } from "./lease-recovery.js";
import { parseRunId, type RunNumbers } from "./paths.js";

export interface WaiterMark {
  pid: number;
  os_start_time: string;
  project_id: number;
  task_id: number;
  /** Null: the wait covers every package of the task. */
  work_package_id: number | null;
  since: string;
}

/** Whether a wait on the mark's scope would see the run's events: same task, and its package or all of them. */
export function coversRun(
  mark: Pick<WaiterMark, "project_id" | "task_id" | "work_package_id">,
  run: RunNumbers,
) {
  return (
    run.taskId !== null &&
    mark.project_id === run.projectId &&
    mark.task_id === run.taskId &&
    (mark.work_package_id === null || mark.work_package_id === run.packageId)
  );
}

let ownStart: Promise<string> | null = null;

/** This process's OS start time, read once. */
export function ownStartTime(): Promise<string> {
  ownStart ??= captureIdentity(process.pid).then((id) => id.os_start_time);
  return ownStart;
}

/**
 * Writes this process's mark for one wait; the file's path, or null if it could not be written
 * (the wait goes on: without a mark the supervisor only launches as it would anyway).
 */
export async function writeWaiterMark(
  waitersDir: string,
  scope: Pick<WaiterMark, "project_id" | "task_id" | "work_package_id">,
  nowIso: string,
): Promise<string | null> {
  try {
    const mark: WaiterMark = {
      pid: process.pid,
      os_start_time: await ownStartTime(),
      ...scope,
      since: nowIso,
    };
    fs.mkdirSync(waitersDir, { recursive: true });
    const file = path.join(waitersDir, `${process.pid}-${randomBytes(6).toString("hex")}.json`);
    writeFileAtomic(file, `${JSON.stringify(mark)}\n`);
    return file;
  } catch {
    return null;
  }
}

/** Removes a mark; never throws (a mark left behind names a process that will be gone). */
export function removeWaiterMark(file: string | null): void {
  if (file === null) return;
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Left behind: its process's liveness, not the file, decides what it covers.
  }
}

function readMark(file: string): WaiterMark | null {
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<WaiterMark>;
    if (typeof m.pid !== "number" || typeof m.task_id !== "number" || typeof m.project_id !== "number")
      return null;
    return {
      pid: m.pid,
      os_start_time: String(m.os_start_time ?? "UNKNOWN"),
      project_id: m.project_id,
      task_id: m.task_id,
      work_package_id: typeof m.work_package_id === "number" ? m.work_package_id : null,
      since: String(m.since ?? ""),
    };
  } catch {
    return null;
  }
}

/**
 * A live wait that covers the run, or null. A mark whose process is gone is deleted on the way;
 * one whose liveness the OS will not tell counts as live (the grace that follows is bounded).
 */
export async function liveWaiterOf(
  waitersDir: string,
  runId: string,
  probe: LivenessProbe,
): Promise<WaiterMark | null> {
  let names: string[];
  try {
    names = fs.readdirSync(waitersDir).filter((n) => n.endsWith(".json"));
  } catch {
    return null;
  }
  const run = parseRunId(runId);
  for (const name of names) {
    const file = path.join(waitersDir, name);
    const mark = readMark(file);
    if (mark === null || !coversRun(mark, run)) continue;
    const liveness = await probe(mark).catch((): Liveness => "UNKNOWN");
    if (liveness !== "NOT_FOUND_OR_REUSED") return mark;
    removeWaiterMark(file);
  }
  return null;
}
