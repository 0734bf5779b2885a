import fs from "node:fs";

/**
 * Tail windows read before the whole file, smallest first: the usual last line (one event) fits
 * the first, so a check does not read or scan more than it needs whatever the file's size.
 */
const TAIL_WINDOWS = [4 * 1024, 64 * 1024];

function readAt(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  fs.readSync(fd, buf, 0, buf.length, start);
  return buf;
}

interface Line {
  text: string;
  /** Byte offset just after the line's newline. */
  end: number;
}

/** Complete lines of `text` (which starts at `offset`); with `skipFirst`, the first is a fragment. */
function linesOf(text: Buffer, offset: number, skipFirst: boolean): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let i = text.indexOf(0x0a); i !== -1; i = text.indexOf(0x0a, start)) {
    if (!(skipFirst && start === 0)) {
      out.push({ text: text.subarray(start, i).toString("utf8"), end: offset + i + 1 });
    }
    start = i + 1;
  }
  return out;
}

/**
 * Judges one line: its seq if it is good, null if it is not, undefined if that cannot be told
 * without its 1-based line number (`index` is null while only the tail has been read).
 */
export type LineJudge = (line: string, index: number | null) => number | null | undefined;

type Found = { seq: number; end: number };

/** Newest first, the first line of a tail window `accept` takes; undefined when the window cannot tell. */
function acceptedInTail(lines: Line[], accept: LineJudge): Found | null | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const seq = accept(lines[i]!.text, null);
    if (seq === undefined) return undefined;
    if (seq !== null) return { seq, end: lines[i]!.end };
  }
  return null;
}

/** Newest first: the first line `accept` takes, searched in growing tail windows, then in the whole file. */
function lastAccepted(fd: number, size: number, accept: LineJudge): Found {
  for (const window of TAIL_WINDOWS) {
    const tailStart = size - window;
    if (tailStart <= 0) break;
    const found = acceptedInTail(linesOf(readAt(fd, tailStart, size), tailStart, true), accept);
    if (found === undefined) break;
    if (found !== null) return found;
  }
  const lines = linesOf(readAt(fd, 0, size), 0, false);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const seq = accept(lines[i]!.text, i + 1);
    if (seq !== null && seq !== undefined) return { seq, end: lines[i]!.end };
  }
  return { seq: 0, end: 0 };
}

/** What repairTail found: the last good seq, and how many bytes after its line were cut. */
export interface TailRepair {
  seq: number;
  cutBytes: number;
}

/**
 * Makes the file end on its last line that `accept` vouches for and returns that line's seq, 0
 * if no line is good. A torn
 * last line (a crash mid-append) and any damaged lines after the last good one are cut, so the
 * caller can write the rest again from its source of truth. Only the tail is read in the usual
 * case (the last line is good), so the cost does not grow with the file.
 */
export function repairTail(file: string, accept: LineJudge): TailRepair {
  let fd: number;
  try {
    fd = fs.openSync(file, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { seq: 0, cutBytes: 0 };
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const good = lastAccepted(fd, size, accept);
    if (good.end !== size) {
      fs.ftruncateSync(fd, good.end);
      fs.fsyncSync(fd);
    }
    return { seq: good.seq, cutBytes: size - good.end };
  } finally {
    fs.closeSync(fd);
  }
}

/** Lines already written (every reader of the file sees them) but not yet durable. */
export interface UnsyncedAppend {
  /** Fsyncs and closes the file; the lines survive a power loss once it returns. */
  sync(): void;
  /** Closes the file without syncing (a no-op once synced). */
  close(): void;
}

/**
 * The seq of the file's last line that `accept` vouches for, 0 if none or no file. It only reads
 * (no lock, no repair): a line another process is writing at that moment is simply not counted.
 */
export function lastGoodSeq(file: string, accept: LineJudge): number {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  try {
    return lastAccepted(fd, fs.fstatSync(fd).size, accept).seq;
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends complete lines, one write each, and leaves the fsync to the caller: it holds the ledger's write lock. */
export function appendUnsynced(file: string, lines: readonly string[]): UnsyncedAppend {
  const fd = fs.openSync(file, "a");
  let open = true;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  try {
    for (const line of lines) {
      // One write per line; a short write (rare, e.g. a full disk) is continued, never left torn.
      const bytes = Buffer.from(`${line}\n`, "utf8");
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done);
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    sync() {
      try {
        fs.fsyncSync(fd);
      } finally {
        close();
      }
    },
    close,
  };
}

/** Appends complete lines, one write each, then fsyncs once. */
export function appendLines(file: string, lines: readonly string[]): void {
  appendUnsynced(file, lines).sync();
}

/** Writes a file atomically: temp file in the same directory, fsync, rename (retried on Windows EPERM). */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.renameSync(tmp, file);
      return;
    } catch (error) {
      // Windows refuses a rename over a file another process has open; it clears quickly.
      const code = (error as NodeJS.ErrnoException).code;
      if (!(code === "EPERM" || code === "EACCES" || code === "EBUSY") || attempt >= 50) {
        fs.rmSync(tmp, { force: true });
        throw error;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
