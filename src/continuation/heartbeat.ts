/**
 * The supervisor's heartbeat: `<data>/host-continuation/heartbeat.json`, rewritten on every loop
 * turn, so a person (grace-status, doctor) can tell whether one is running. The file names the
 * process by pid and OS start time; liveness of that process decides, the age only backs it up
 * where the OS will not say.
 */
import fs from "node:fs";
import path from "node:path";
import { checkLiveness, type Liveness } from "../process/identity.js";
import { hostPaths } from "./paths.js";

export interface Heartbeat {
  pid: number;
  os_start_time: string;
  at: string;
  poll_interval_seconds: number;
}

export type SupervisorState =
  | { state: "alive"; pid: number; at: string }
  | { state: "not_running"; pid: number; at: string }
  | { state: "never_started" };

/** Beyond this many missed poll turns (plus a margin) an unverifiable heartbeat counts as stale. */
const STALE_TURNS = 3;
const STALE_MARGIN_MS = 30_000;

export function heartbeatFile(dataDir: string): string {
  return path.join(hostPaths(dataDir).root, "heartbeat.json");
}

/** Written to a temp name and renamed, so a reader never sees half a file. */
export function writeHeartbeat(dataDir: string, beat: Heartbeat): void {
  const file = heartbeatFile(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${beat.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(beat)}\n`);
  fs.renameSync(tmp, file);
}

export function readHeartbeat(dataDir: string): Heartbeat | null {
  try {
    const beat = JSON.parse(fs.readFileSync(heartbeatFile(dataDir), "utf8")) as Partial<Heartbeat>;
    if (typeof beat.pid !== "number" || typeof beat.at !== "string") return null;
    return {
      pid: beat.pid,
      os_start_time: String(beat.os_start_time ?? "UNKNOWN"),
      at: beat.at,
      poll_interval_seconds: Number(beat.poll_interval_seconds ?? 0),
    };
  } catch {
    return null;
  }
}

/** The rule: the named process alive → alive; gone → not running; unknown → by the heartbeat's age. */
export function judgeHeartbeat(beat: Heartbeat, liveness: Liveness, nowMs: number): "alive" | "not_running" {
  if (liveness === "MATCH") return "alive";
  if (liveness === "NOT_FOUND_OR_REUSED") return "not_running";
  const limit = STALE_TURNS * beat.poll_interval_seconds * 1000 + STALE_MARGIN_MS;
  return nowMs - Date.parse(beat.at) <= limit ? "alive" : "not_running";
}

export async function supervisorState(dataDir: string, now: Date = new Date()): Promise<SupervisorState> {
  const beat = readHeartbeat(dataDir);
  if (!beat) return { state: "never_started" };
  const liveness = await checkLiveness(beat).catch((): Liveness => "UNKNOWN");
  return { state: judgeHeartbeat(beat, liveness, now.getTime()), pid: beat.pid, at: beat.at };
}
