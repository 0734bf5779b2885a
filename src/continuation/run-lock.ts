import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appendLines } from "../handoff/ndjson-file.js";
import { stableJson } from "../ledger/json.js";
import type { Liveness, ProcessIdentity } from "../process/identity.js";
import { lockDirName } from "./ids.js";
import { ORPHAN_LOCK_AGE_MS } from "./limits.js";
import type { HostPaths } from "./paths.js";

/** `owner.json` of a run lock: the reference fields plus the owner's OS start time and a token. */
export interface LockOwner {
  created_at: string;
  pid: number;
  process_started_at_os: string;
  run_id: string;
  event_index: number | null;
  event_type: string | null;
  token: string;
}

export interface LockRequest {
  runId: string;
  eventIndex: number | null;
  eventType: string | null;
  owner: { pid: number; startedAtOs: string };
  nowIso: string;
}

export interface HeldLock {
  dir: string;
  owner: LockOwner;
}

export interface Reclaim {
  run_id: string;
  lock_dir: string;
  stale_owner: LockOwner | null;
  liveness: Liveness | "ORPHANED";
  reclaimed_at: string;
  reclaimed_by_pid: number;
}

export type LockResult =
  | { status: "acquired"; lock: HeldLock; reclaimed: Reclaim | null }
  | { status: "busy"; owner: LockOwner | null };

type Probe = (identity: Pick<ProcessIdentity, "pid" | "os_start_time">) => Promise<Liveness>;

function readOwner(dir: string): LockOwner | null {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dir, "owner.json"), "utf8")) as LockOwner;
    return typeof value.pid === "number" && typeof value.token === "string" ? value : null;
  } catch {
    return null;
  }
}

function writeDurably(file: string, text: string): void {
  const fd = fs.openSync(file, "wx");
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The lock directory appears atomically WITH its owner.json: it is built under a temporary name
 * and renamed into place (a rename onto an existing directory fails), so no reader ever sees a
 * lock without an owner.
 */
function tryCreate(locksDir: string, dir: string, owner: LockOwner): boolean {
  // POSIX rename replaces an EMPTY directory, and an owner-less lock dir (reference style) is
  // empty: look first. Our own lock dirs are never empty, so between us the rename decides.
  if (fs.existsSync(dir)) return false;
  const tmp = path.join(locksDir, `.tmp-${owner.token}`);
  fs.mkdirSync(tmp, { recursive: true });
  writeDurably(path.join(tmp, "owner.json"), `${stableJson(owner)}\n`);
  try {
    fs.renameSync(tmp, dir);
    return true;
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTEMPTY" || code === "EPERM" || code === "EACCES") return false;
    throw error;
  }
}

/** Moves a lock directory aside atomically and deletes it; returns the owner it held, or undefined if it was gone. */
function removeAside(locksDir: string, dir: string): LockOwner | null | undefined {
  const aside = path.join(locksDir, `.gone-${randomBytes(8).toString("hex")}`);
  try {
    fs.renameSync(dir, aside);
  } catch {
    return undefined;
  }
  const owner = readOwner(aside);
  fs.rmSync(aside, { recursive: true, force: true });
  return owner;
}

async function staleness(
  dir: string,
  owner: LockOwner | null,
  nowMs: number,
  probe: Probe,
): Promise<Liveness | "ORPHANED" | null> {
  if (owner === null) {
    // No readable owner: made by another tool or the reference; only age can tell it is abandoned.
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    return st && nowMs - st.mtimeMs > ORPHAN_LOCK_AGE_MS ? "ORPHANED" : null;
  }
  const liveness = await probe({ pid: owner.pid, os_start_time: owner.process_started_at_os });
  // UNKNOWN is not proof of death: the lock stays.
  return liveness === "NOT_FOUND_OR_REUSED" ? liveness : null;
}

/**
 * Per-run lock (reference §10.7) with the stale-lock recovery the reference lacked: a lock whose
 * owner is provably dead (pid gone or reused, by OS start time) is moved aside, recorded in
 * `host-continuation/lock-reclaims.ndjson`, and taken over. If, between our look and the move,
 * the lock changed hands (another token), the fresh lock is put back and we report busy.
 */
export async function acquireRunLock(
  paths: HostPaths,
  req: LockRequest,
  probe: Probe,
  nowMs: number,
): Promise<LockResult> {
  fs.mkdirSync(paths.locksDir, { recursive: true });
  const dir = path.join(paths.locksDir, lockDirName(req.runId));
  const owner: LockOwner = {
    created_at: req.nowIso,
    pid: req.owner.pid,
    process_started_at_os: req.owner.startedAtOs,
    run_id: req.runId,
    event_index: req.eventIndex,
    event_type: req.eventType,
    token: randomBytes(8).toString("hex"),
  };
  if (tryCreate(paths.locksDir, dir, owner))
    return { status: "acquired", lock: { dir, owner }, reclaimed: null };
  const current = readOwner(dir);
  const verdict = await staleness(dir, current, nowMs, probe);
  if (verdict === null) return { status: "busy", owner: current };
  const moved = removeAside(paths.locksDir, dir);
  if (moved !== undefined && (moved?.token ?? null) !== (current?.token ?? null)) {
    // We moved a lock that was re-acquired meanwhile: it is live. Put it back (best effort).
    if (moved) tryCreate(paths.locksDir, dir, moved);
    return { status: "busy", owner: moved };
  }
  const reclaimed: Reclaim = {
    run_id: req.runId,
    lock_dir: dir,
    stale_owner: current,
    liveness: verdict,
    reclaimed_at: req.nowIso,
    reclaimed_by_pid: req.owner.pid,
  };
  if (moved !== undefined) appendLines(paths.reclaimsFile, [stableJson(reclaimed)]);
  if (!tryCreate(paths.locksDir, dir, owner)) return { status: "busy", owner: readOwner(dir) };
  return { status: "acquired", lock: { dir, owner }, reclaimed: moved !== undefined ? reclaimed : null };
}

/** Releases only our own lock (same token); errors are ignored as in the reference. */
export function releaseRunLock(paths: HostPaths, lock: HeldLock): void {
  if (readOwner(lock.dir)?.token !== lock.owner.token) return;
  removeAside(paths.locksDir, lock.dir);
}
