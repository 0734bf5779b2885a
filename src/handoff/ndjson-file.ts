import fs from "node:fs";

const TAIL_BYTES = 64 * 1024;

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
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] !== 0x0a) continue;
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

/** Newest first: the first line `accept` takes, searched in the tail, then in the whole file. */
function lastAccepted(fd: number, size: number, accept: LineJudge) {
  const tailStart = Math.max(0, size - TAIL_BYTES);
  if (tailStart > 0) {
    const lines = linesOf(readAt(fd, tailStart, size), tailStart, true);
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const seq = accept(lines[i]!.text, null);
      if (seq === undefined) break;
      if (seq !== null) return { seq, end: lines[i]!.end };
    }
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

/** Appends complete lines, one write each, then fsyncs once: the caller holds the ledger's write lock. */
export function appendLines(file: string, lines: readonly string[]): void {
  const fd = fs.openSync(file, "a");
  try {
    for (const line of lines) {
      // One write per line; a short write (rare, e.g. a full disk) is continued, never left torn.
      const bytes = Buffer.from(`${line}\n`, "utf8");
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
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
