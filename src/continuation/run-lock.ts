import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appendLines } from "../handoff/ndjson-file.js";
import { stableJson } from "../ledger/json.js";
import type { Liveness, ProcessIdentity } from "../process/identity.js";
import { lockDirName } from "./ids.js";
import { ORPHAN_LOCK_AGE_MS } from "./limits.js";
import type { HostPaths } from "./paths.js";

/**
 * `owner.json` of a run lock: the predecessor's fields (created_at, pid, run_id, event_index, event_type)
 * plus the owner's OS start time and a token.
 */
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

const tokenFile = (token: string) => `token-${token}`;
const errCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * The lock directory appears atomically WITH its owner.json and its token file: it is built under
 * a temporary name and renamed into place (a rename onto an existing directory fails), so no
 * reader ever sees a lock of ours without an owner. The empty `token-<token>` file is what a
 * reclaimer takes (see reclaimByToken); owner.json stays for the predecessor's readers.
 */
function tryCreate(locksDir: string, dir: string, owner: LockOwner): boolean {
  // POSIX rename replaces an EMPTY directory, and an owner-less lock dir (the predecessor's) is
  // empty: look first. Our own lock dirs are never empty, so between us the rename decides.
  if (fs.existsSync(dir)) return false;
  const tmp = path.join(locksDir, `.tmp-${owner.token}`);
  fs.mkdirSync(tmp, { recursive: true });
  writeDurably(path.join(tmp, "owner.json"), `${stableJson(owner)}\n`);
  writeDurably(path.join(tmp, tokenFile(owner.token)), "");
  try {
    fs.renameSync(tmp, dir);
    return true;
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const code = errCode(error);
    if (code === "EEXIST" || code === "ENOTEMPTY" || code === "EPERM" || code === "EACCES") return false;
    throw error;
  }
}

/**
 * Takes apart a lock whose owner (token `stale`) is dead, as a compare-and-swap: moving the file
 * `token-<stale>` out succeeds for exactly one reclaimer, and only while the lock still is that
 * owner's — a lock that changed hands has another token file, so a late reclaimer's move fails
 * and it never touches a live lock. The winner alone may then empty the directory; a lock that
 * another supervisor renamed onto the empty husk meanwhile (POSIX) is not empty, so the final
 * rmdir leaves it alone.
 */
function reclaimByToken(locksDir: string, dir: string, stale: string): boolean {
  const taken = path.join(locksDir, `.gone-${tokenFile(stale)}-${randomBytes(4).toString("hex")}`);
  try {
    fs.renameSync(path.join(dir, tokenFile(stale)), taken);
  } catch {
    return false;
  }
  fs.rmSync(taken, { force: true });
  fs.rmSync(path.join(dir, "owner.json"), { force: true });
  try {
    fs.rmdirSync(dir);
  } catch {
    // Already replaced by a new lock (not empty): that lock is live and stays.
  }
  return true;
}

type DirId = { ino: bigint; birthtimeNs: bigint };

function dirId(dir: string): DirId | null {
  const st = fs.statSync(dir, { bigint: true, throwIfNoEntry: false });
  return st ? { ino: st.ino, birthtimeNs: st.birthtimeNs } : null;
}

const sameDir = (a: DirId | null, b: DirId | null) =>
  a !== null && b !== null && a.ino === b.ino && a.birthtimeNs === b.birthtimeNs;

/**
 * Wins the right to remove a token-less lock directory (the predecessor's, or a lock of an older
 * version) by creating a marker inside it: mkdir is exclusive, and the marker dies with the
 * directory. A marker older than the orphan age belongs to a reclaimer that crashed; a nested
 * marker takes over from it, again exclusively.
 */
function winMarker(dir: string, nowMs: number, depth = 0): string | null {
  const marker = path.join(dir, ".reclaiming");
  try {
    fs.mkdirSync(marker);
    return marker;
  } catch (error) {
    if (errCode(error) !== "EEXIST" || depth >= 3) return null;
  }
  const st = fs.statSync(marker, { throwIfNoEntry: false });
  return st && nowMs - st.mtimeMs > ORPHAN_LOCK_AGE_MS ? winMarker(marker, nowMs, depth + 1) : null;
}

/**
 * Removes a token-less lock judged stale, only if the directory is still the one judged (same
 * inode and birth time) once we hold its marker. Nobody else removes such a directory meanwhile:
 * other reclaimers need the marker, and no live owner of ours has a lock without a token file.
 */
function reclaimByMarker(locksDir: string, dir: string, judged: DirId | null, nowMs: number): boolean {
  if (judged === null) return false;
  const marker = winMarker(dir, nowMs);
  if (marker === null) return false;
  if (!sameDir(dirId(dir), judged)) {
    // The marker went into a lock that replaced the judged one: take it out again, best effort.
    fs.rmSync(marker, { recursive: true, force: true });
    return false;
  }
  const aside = path.join(locksDir, `.gone-${randomBytes(8).toString("hex")}`);
  try {
    fs.renameSync(dir, aside);
  } catch {
    return false;
  }
  fs.rmSync(aside, { recursive: true, force: true });
  return true;
}

async function staleness(
  dir: string,
  owner: LockOwner | null,
  nowMs: number,
  probe: Probe,
): Promise<Liveness | "ORPHANED" | null> {
  if (owner === null) {
    // No readable owner: made by another tool or the predecessor; only age can tell it is abandoned.
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    return st && nowMs - st.mtimeMs > ORPHAN_LOCK_AGE_MS ? "ORPHANED" : null;
  }
  const liveness = await probe({ pid: owner.pid, os_start_time: owner.process_started_at_os });
  // UNKNOWN is not proof of death: the lock stays.
  return liveness === "NOT_FOUND_OR_REUSED" ? liveness : null;
}

/**
 * Per-run lock, so two supervisors never continue the same run at once, with the stale-lock
 * recovery the predecessor lacked (a crashed supervisor's lock blocked its run forever): a lock whose
 * owner is provably dead (pid gone or reused, by OS start time) is taken apart and recorded in
 * `host-continuation/lock-reclaims.ndjson`, then acquired anew. A reclaimer never moves or puts
 * back a lock it did not judge stale: see reclaimByToken and reclaimByMarker.
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
  const judged = dirId(dir);
  const current = readOwner(dir);
  if (current !== null && fs.existsSync(path.join(dir, releasedFile(current.token)))) {
    const free = takeReleased(paths.locksDir, dir, current.token) && tryCreate(paths.locksDir, dir, owner);
    return free
      ? { status: "acquired", lock: { dir, owner }, reclaimed: null }
      : { status: "busy", owner: current };
  }
  const hasToken = current !== null && fs.existsSync(path.join(dir, tokenFile(current.token)));
  const verdict = await staleness(dir, current, nowMs, probe);
  if (verdict === null) return { status: "busy", owner: current };
  const removed = hasToken
    ? reclaimByToken(paths.locksDir, dir, current.token)
    : reclaimByMarker(paths.locksDir, dir, judged, nowMs);
  if (!removed) return { status: "busy", owner: readOwner(dir) };
  const reclaimed: Reclaim = {
    run_id: req.runId,
    lock_dir: dir,
    stale_owner: current,
    liveness: verdict,
    reclaimed_at: req.nowIso,
    reclaimed_by_pid: req.owner.pid,
  };
  appendLines(paths.reclaimsFile, [stableJson(reclaimed)]);
  if (!tryCreate(paths.locksDir, dir, owner)) return { status: "busy", owner: readOwner(dir) };
  return { status: "acquired", lock: { dir, owner }, reclaimed };
}

/** Codes Windows gives for a rename of a directory some process has open (or a file in it). */
const RENAME_REFUSED = new Set(["EPERM", "EACCES", "EBUSY"]);
/** Waits between rename attempts (ms): a reader holding the directory open usually lets go at once. */
const RENAME_RETRY_MS = [0, 10, 25, 50, 100];

function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Renames, retrying while the OS refuses because something holds the source open. */
function renameRetrying(from: string, to: string): boolean {
  for (const wait of RENAME_RETRY_MS) {
    pause(wait);
    try {
      fs.renameSync(from, to);
      return true;
    } catch (error) {
      if (!RENAME_REFUSED.has(errCode(error) ?? "")) return false;
    }
  }
  return false;
}

/**
 * A lock released in place: its token file renamed `released-<token>` because the directory
 * could not be moved. The next acquirer takes it apart as it would a dead owner's (see
 * takeReleased), so the run is not blocked while the directory stays where it is.
 */
const releasedFile = (token: string) => `released-${token}`;

/**
 * Takes apart a lock its owner released in place. Moving `released-<token>` out is the
 * compare-and-swap (exactly one acquirer wins it); the winner then moves the directory away,
 * and, if the OS still refuses, puts the marker back for the next attempt.
 */
function takeReleased(locksDir: string, dir: string, token: string): boolean {
  const marker = path.join(dir, releasedFile(token));
  const taken = path.join(locksDir, `.gone-${releasedFile(token)}-${randomBytes(4).toString("hex")}`);
  try {
    fs.renameSync(marker, taken);
  } catch {
    return false;
  }
  const aside = path.join(locksDir, `.gone-${randomBytes(8).toString("hex")}`);
  if (!renameRetrying(dir, aside)) {
    fs.renameSync(taken, marker);
    return false;
  }
  fs.rmSync(taken, { force: true });
  fs.rmSync(aside, { recursive: true, force: true });
  return true;
}

export type ReleaseOutcome = "removed" | "released-in-place" | "not-ours" | "failed";

/**
 * Releases only our own lock: its token file is there (only a reclaimer that found us dead takes
 * it). The directory is moved away and removed; when the OS keeps refusing the move (Windows
 * refuses it while another process has the directory open), the lock is released by its token
 * instead (see releasedFile), so the next event of the run can still take it.
 */
export function releaseRunLock(paths: HostPaths, lock: HeldLock): ReleaseOutcome {
  const token = path.join(lock.dir, tokenFile(lock.owner.token));
  if (!fs.existsSync(token)) return "not-ours";
  const aside = path.join(paths.locksDir, `.gone-${randomBytes(8).toString("hex")}`);
  if (renameRetrying(lock.dir, aside)) {
    fs.rmSync(aside, { recursive: true, force: true });
    return "removed";
  }
  // A file inside an open directory can still be renamed: the token becomes the release marker.
  if (!renameRetrying(token, path.join(lock.dir, releasedFile(lock.owner.token)))) return "failed";
  return "released-in-place";
}
