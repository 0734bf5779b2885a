/**
 * Windows backend: one auto-reset named event per waiter, `Local\grace-<key>` with
 * key = `<hash16(dataDir)>-<waiter id>`, advertised by an empty registration file
 * `<data>/signals/<channel>/<key>.evt`. The file name alone gives the event name, which spares
 * notify() a file read per waiter (each costs wineserver round trips under Wine), and an empty
 * file created with O_EXCL is published atomically, so it needs no tmp + rename.
 *
 * - The waiter creates its event BEFORE creating the file, and unlinks the file BEFORE closing
 *   the event, so OpenEventW failing with ERROR_FILE_NOT_FOUND on a registered entry means its
 *   owner died (the kernel destroyed the event with its last handle).
 * - An auto-reset event latches one wake until a wait consumes it: that is the pending wake.
 * - Waiting goes through the process-wide hub (one native wait per process, see windows-hub.ts).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  ERROR_ALREADY_EXISTS,
  ERROR_FILE_NOT_FOUND,
  EVENT_MODIFY_STATE,
  loadKernel32,
  WAIT_OBJECT_0,
  type Handle,
} from "../../native-bindings/kernel32.js";
import { channelDir, channelEntries, errCode, newWaiterId } from "./channel.js";
import type { NamedSignal, WaitOutcome, Waiter } from "./named-signal.js";
import { processHub, type HubMember } from "./windows-hub.js";
import { WakeLatch } from "./wake-latch.js";
import { trackedSignal } from "./tracked.js";

const ENTRY_SUFFIX = ".evt";
const NAME_PREFIX = "Local\\grace-";
// Windows (and Wine) transiently refuse file operations on names another process is touching
// (EPERM/EACCES/EBUSY, measured under Wine): retry briefly.
const FS_RETRIES = 50;
const FS_RETRY_MS = 2;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withRetry(op: () => void): void {
  for (let attempt = 0; ; attempt += 1) {
    try {
      op();
      return;
    } catch (e) {
      const code = errCode(e);
      if ((code !== "EPERM" && code !== "EACCES" && code !== "EBUSY") || attempt >= FS_RETRIES) throw e;
      sleepSync(FS_RETRY_MS);
    }
  }
}

function removeEntry(entry: string): void {
  try {
    withRetry(() => fs.unlinkSync(entry));
  } catch (e) {
    if (errCode(e) !== "ENOENT") throw e;
  }
}

/** The data dir's key in kernel object names: the same dir (any letter case) gives the same key. */
export function hash16(dataDir: string): string {
  return createHash("sha256").update(dataDir.toLowerCase()).digest("hex").slice(0, 16);
}

class EventWaiter implements Waiter, HubMember {
  private readonly latch: WakeLatch;

  constructor(
    readonly handle: Handle,
    private readonly entry: string,
    private readonly onClose: (w: EventWaiter) => void,
  ) {
    const k32 = loadKernel32();
    this.latch = new WakeLatch({
      // A zero-timeout wait consumes a latched wake of the auto-reset event.
      drain: () => k32.WaitForSingleObject(this.handle, 0) === WAIT_OBJECT_0,
      armed: (on) => (on ? processHub().arm(this) : processHub().disarm(this)),
    });
  }

  onWake(): void {
    this.latch.signal();
  }

  wait(ms: number, abort?: AbortSignal): Promise<WaitOutcome> {
    return this.latch.wait(ms, abort);
  }

  close(): void {
    if (this.latch.isClosed) return;
    try {
      removeEntry(this.entry); // first, so a live entry never points at a closed event
    } finally {
      this.latch.close();
      processHub().release(this);
      this.onClose(this);
    }
  }
}

function subscribe(dataDir: string, channel: string, onClose: (w: EventWaiter) => void): EventWaiter {
  const k32 = loadKernel32();
  const dir = channelDir(dataDir, channel);
  fs.mkdirSync(dir, { recursive: true });
  const key = `${hash16(dataDir)}-${newWaiterId()}`;
  const name = NAME_PREFIX + key;
  const handle = k32.CreateEventW(null, 0, 0, name);
  const lastError = k32.GetLastError();
  if (handle === null) throw new Error(`CreateEventW(${name}) failed: error ${lastError}`);
  if (lastError === ERROR_ALREADY_EXISTS) {
    k32.CloseHandle(handle);
    throw new Error(`CreateEventW(${name}): name already in use`);
  }
  const entry = path.join(dir, key + ENTRY_SUFFIX);
  try {
    withRetry(() => fs.closeSync(fs.openSync(entry, "wx")));
  } catch (e) {
    k32.CloseHandle(handle);
    throw e;
  }
  return new EventWaiter(handle, entry, onClose);
}

const KEY_RE = /^[0-9a-f]{16}-[0-9]+-[0-9]+-[0-9a-f]{8}$/;

/**
 * Sets one waiter's event; returns whether it was live. Never throws: one odd entry must not keep
 * the channel's other waiters asleep.
 */
function wakeOne(entry: string, key: string): boolean {
  if (!KEY_RE.test(key)) return false; // not an entry of ours: leave it alone
  const k32 = loadKernel32();
  const h = k32.OpenEventW(EVENT_MODIFY_STATE, 0, NAME_PREFIX + key);
  if (h === null) {
    if (k32.GetLastError() === ERROR_FILE_NOT_FOUND) {
      // Its owner died. One attempt only, so notify() never stalls; a later notify retries.
      try {
        fs.unlinkSync(entry);
      } catch {
        // see above
      }
    }
    return false;
  }
  try {
    k32.SetEvent(h);
  } finally {
    k32.CloseHandle(h);
  }
  return true;
}

function notify(dataDir: string, channel: string): number {
  const { dir, names } = channelEntries(dataDir, channel);
  let woken = 0;
  for (const name of names) {
    if (name.endsWith(ENTRY_SUFFIX) && wakeOne(path.join(dir, name), name.slice(0, -ENTRY_SUFFIX.length))) {
      woken += 1;
    }
  }
  return woken;
}

export function openWindowsSignal(dataDir: string): NamedSignal {
  return trackedSignal<EventWaiter>(
    (channel, forget) => subscribe(dataDir, channel, forget),
    (channel) => notify(dataDir, channel),
  );
}
