import fs from "node:fs";

const TAIL_BYTES = 64 * 1024;

function readAt(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  fs.readSync(fd, buf, 0, buf.length, start);
  return buf;
}

/**
 * Makes the file end on a complete line (a crash mid-append can leave a torn last line: it is
 * cut off) and returns the `seq` of the last event line that parses, 0 if none. Only the tail
 * is read, so the cost does not grow with the file; a tail that holds no whole line (one huge
 * line) or ends in lines that do not parse falls back to reading the whole file.
 */
export function repairAndLastSeq(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const tailStart = Math.max(0, size - TAIL_BYTES);
    let text = readAt(fd, tailStart, size);
    let offset = tailStart;
    if (text.lastIndexOf(0x0a) === -1 && tailStart > 0) {
      text = readAt(fd, 0, size);
      offset = 0;
    }
    const end = text.lastIndexOf(0x0a) + 1;
    if (offset + end !== size) {
      fs.ftruncateSync(fd, offset + end);
      fs.fsyncSync(fd);
    }
    const lines = text.subarray(0, end).toString("utf8").split("\n");
    // In a partial tail the first line may be a fragment; it never counts.
    for (let i = lines.length - 1; i >= (offset === 0 ? 0 : 1); i -= 1) {
      const seq = seqOf(lines[i]!);
      if (seq !== null) return seq;
    }
    if (offset === 0) return 0;
    const whole = readAt(fd, 0, offset + end)
      .toString("utf8")
      .split("\n");
    for (let i = whole.length - 1; i >= 0; i -= 1) {
      const seq = seqOf(whole[i]!);
      if (seq !== null) return seq;
    }
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

function seqOf(line: string): number | null {
  if (!line.trim()) return null;
  try {
    const value = JSON.parse(line) as { seq?: unknown };
    return typeof value.seq === "number" ? value.seq : null;
  } catch {
    return null;
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
