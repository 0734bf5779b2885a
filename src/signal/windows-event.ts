/**
 * Windows backend: one auto-reset named event per waiter, `Local\grace-<hash16(dataDir)>-<id>`,
 * advertised by a registration file `<data>/signals/<channel>/<id>.evt` holding the event name.
 *
 * - The waiter creates its event BEFORE publishing the file (tmp + rename), and unlinks the file
 *   BEFORE closing the event, so OpenEventW failing with ERROR_FILE_NOT_FOUND on a published
 *   entry means its owner died (the kernel destroyed the event with its last handle).
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
import { channelDir, isTmpEntry, newWaiterId, STALE_TMP_MS } from "./channel.js";
import type { NamedSignal, WaitOutcome, Waiter } from "./named-signal.js";
import { processHub, type HubMember } from "./windows-hub.js";
import { WakeLatch } from "./wake-latch.js";

const ENTRY_SUFFIX = ".evt";
const NAME_PREFIX = "Local\\grace-";
// Windows (and Wine) refuse renames/unlinks of files another process holds open with EPERM;
// measured under Wine as transient, so retry briefly.
const FS_RETRIES = 50;
const FS_RETRY_MS = 2;

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

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

function hash16(dataDir: string): string {
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
  const id = newWaiterId();
  const name = `${NAME_PREFIX}${hash16(dataDir)}-${id}`;
  const handle = k32.CreateEventW(null, 0, 0, name);
  const lastError = k32.GetLastError();
  if (handle === null) throw new Error(`CreateEventW(${name}) failed: error ${lastError}`);
  if (lastError === ERROR_ALREADY_EXISTS) {
    k32.CloseHandle(handle);
    throw new Error(`CreateEventW(${name}): name already in use`);
  }
  const tmp = path.join(dir, `.${id}.tmp`);
  const entry = path.join(dir, id + ENTRY_SUFFIX);
  try {
    fs.writeFileSync(tmp, name, "utf8");
    withRetry(() => fs.renameSync(tmp, entry));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    k32.CloseHandle(handle);
    throw e;
  }
  return new EventWaiter(handle, entry, onClose);
}

function readEntry(entry: string): string | undefined {
  try {
    const name = fs.readFileSync(entry, "utf8");
    return name.startsWith(NAME_PREFIX) ? name : undefined;
  } catch {
    return undefined; // the waiter left meanwhile
  }
}

/** Sets one waiter's event; returns whether it was live. */
function wakeOne(entry: string): boolean {
  const name = readEntry(entry);
  if (name === undefined) return false;
  const k32 = loadKernel32();
  const h = k32.OpenEventW(EVENT_MODIFY_STATE, 0, name);
  if (h === null) {
    if (k32.GetLastError() === ERROR_FILE_NOT_FOUND) removeEntry(entry); // its owner died
    return false;
  }
  try {
    k32.SetEvent(h);
  } finally {
    k32.CloseHandle(h);
  }
  return true;
}

function sweepTmp(entry: string): void {
  try {
    if (Date.now() - fs.statSync(entry).mtimeMs > STALE_TMP_MS) removeEntry(entry);
  } catch {
    // Gone or busy: a later notify sweeps it.
  }
}

function notify(dataDir: string, channel: string): number {
  const dir = channelDir(dataDir, channel);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if (errCode(e) === "ENOENT") return 0;
    throw e;
  }
  let woken = 0;
  for (const name of names) {
    const entry = path.join(dir, name);
    if (name.endsWith(ENTRY_SUFFIX)) {
      if (wakeOne(entry)) woken += 1;
    } else if (isTmpEntry(name)) {
      sweepTmp(entry);
    }
  }
  return woken;
}

export function openWindowsSignal(dataDir: string): NamedSignal {
  const live = new Set<EventWaiter>();
  const forget = (w: EventWaiter): void => void live.delete(w);
  return {
    subscribe(channel) {
      const w = subscribe(dataDir, channel, forget);
      live.add(w);
      return w;
    },
    notify: (channel) => notify(dataDir, channel),
    close() {
      for (const w of [...live]) w.close();
    },
  };
}
