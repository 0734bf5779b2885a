/**
 * POSIX backend: one FIFO per waiter in `<data>/signals/<channel>/<id>.fifo`.
 *
 * - The waiter opens its FIFO O_RDWR|O_NONBLOCK (O_RDWR never reports EOF/POLLHUP, and keeps a
 *   writer's open from failing) BEFORE publishing it by rename, so a published FIFO without a
 *   reader can only mean its owner died.
 * - It reads through net.Socket: libuv polls the fd with epoll/kqueue, no pool thread, no FFI.
 *   The socket is unref'd; only a wait()'s timer keeps the process alive.
 * - notify() opens each FIFO O_WRONLY|O_NONBLOCK and writes one byte: ENXIO = no reader (stale,
 *   unlink), EAGAIN = pipe full (a wake is already pending), ENOENT = the waiter just left.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { loadLibc } from "../../native-bindings/libc.js";
import { channelDir, channelEntries, errCode, isTmpEntry, newWaiterId, STALE_TMP_MS } from "./channel.js";
import type { NamedSignal, WaitOutcome, Waiter } from "./named-signal.js";
import { WakeLatch } from "./wake-latch.js";
import { trackedSignal } from "./tracked.js";

const FIFO_SUFFIX = ".fifo";
const WAKE_BYTE = Buffer.from([1]);

class FifoWaiter implements Waiter {
  private readonly latch: WakeLatch;
  private readonly socket: net.Socket;
  private readonly drainBuf = Buffer.alloc(64);

  constructor(
    private readonly fd: number,
    private readonly finalPath: string,
    private readonly onClose: (w: FifoWaiter) => void,
  ) {
    this.latch = new WakeLatch({ drain: () => this.drainSync() });
    this.socket = new net.Socket({ fd, readable: true, writable: false });
    this.socket.unref();
    this.socket.on("data", () => this.latch.signal());
    // A read error is not expected on a FIFO we hold open; wake the caller so it re-checks state.
    this.socket.on("error", () => this.latch.signal());
  }

  /** Reads wake bytes the event loop has not delivered yet, so a pending wake counts at once. */
  private drainSync(): boolean {
    let got = false;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.drainBuf, 0, this.drainBuf.length, null);
      } catch (e) {
        if (errCode(e) === "EAGAIN") return got;
        throw e;
      }
      if (n <= 0) return got;
      got = true;
    }
  }

  wait(ms: number, abort?: AbortSignal): Promise<WaitOutcome> {
    return this.latch.wait(ms, abort);
  }

  close(): void {
    if (this.latch.isClosed) return;
    // Unlink first: while the fd is still open a notifier can never see ENXIO for a live entry.
    try {
      fs.unlinkSync(this.finalPath);
    } catch (e) {
      if (errCode(e) !== "ENOENT") throw e;
    } finally {
      this.latch.close();
      this.socket.destroy();
      this.onClose(this);
    }
  }
}

function createFifo(tmpPath: string): void {
  const libc = loadLibc();
  if (libc.mkfifo(tmpPath, 0o600) !== 0) {
    throw new Error(`mkfifo(${tmpPath}) failed with errno ${libc.errno()}`);
  }
}

function subscribe(dataDir: string, channel: string, onClose: (w: FifoWaiter) => void): FifoWaiter {
  const dir = channelDir(dataDir, channel);
  fs.mkdirSync(dir, { recursive: true });
  const id = newWaiterId();
  const tmpPath = path.join(dir, `.${id}.tmp`);
  const finalPath = path.join(dir, id + FIFO_SUFFIX);
  createFifo(tmpPath);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmpPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    fs.renameSync(tmpPath, finalPath);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmpPath, { force: true });
    throw e;
  }
  return new FifoWaiter(fd, finalPath, onClose);
}

/**
 * Writes one wake byte; returns whether the waiter is live (woken or already pending). Never
 * throws: one odd entry must not keep the channel's other waiters asleep.
 */
function wakeOne(entry: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(entry, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    // ENXIO: no reader, its owner died; ENOENT: the waiter just left.
    if (errCode(e) === "ENXIO") removeQuietly(entry);
    return false;
  }
  try {
    fs.writeSync(fd, WAKE_BYTE);
    return true;
  } catch (e) {
    return errCode(e) === "EAGAIN"; // pipe full: a wake is already pending
  } finally {
    fs.closeSync(fd);
  }
}

/** Best effort: a later notify() retries whatever is left. */
function removeQuietly(entry: string): void {
  try {
    fs.rmSync(entry, { force: true });
  } catch {
    // see above
  }
}

/** A waiter killed between mkfifo and rename leaves its temp FIFO: sweep it once surely abandoned. */
function sweepTmp(entry: string): void {
  try {
    if (Date.now() - fs.lstatSync(entry).mtimeMs > STALE_TMP_MS) removeQuietly(entry);
  } catch {
    // Gone already, or published meanwhile: nothing to sweep.
  }
}

function notify(dataDir: string, channel: string): number {
  const { dir, names } = channelEntries(dataDir, channel);
  let woken = 0;
  for (const name of names) {
    const entry = path.join(dir, name);
    if (name.endsWith(FIFO_SUFFIX)) {
      if (wakeOne(entry)) woken += 1;
    } else if (isTmpEntry(name)) {
      sweepTmp(entry);
    }
  }
  return woken;
}

export function openPosixSignal(dataDir: string): NamedSignal {
  return trackedSignal<FifoWaiter>(
    (channel, forget) => subscribe(dataDir, channel, forget),
    (channel) => notify(dataDir, channel),
  );
}
