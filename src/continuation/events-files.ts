import fs from "node:fs";
import path from "node:path";
import type { CursorEntry } from "./cursor.js";

export interface EventsFile {
  /** Run id: the run directory relative to `runs/`, `/`-separated. */
  runId: string;
  /** Cursor key: the file relative to the data dir, posix separators, so the key is the same on every OS. */
  key: string;
  file: string;
  size: number;
  mtimeMs: number;
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Every `runs/<a>/<b>/<c>/events.ndjson`, sorted by path. Run ids always have three segments
 * (`project-<p>/task-<t>/package-<w>`), so the third level is probed with one stat each instead
 * of a directory listing: that keeps a no-news scan of 10,000 runs cheap.
 */
export function listEventsFiles(dataDir: string): EventsFile[] {
  const runsDir = path.join(dataDir, "runs");
  const out: EventsFile[] = [];
  for (const a of subdirs(runsDir)) {
    for (const b of subdirs(path.join(runsDir, a))) {
      for (const c of subdirs(path.join(runsDir, a, b))) {
        const file = path.join(runsDir, a, b, c, "events.ndjson");
        const st = fs.statSync(file, { throwIfNoEntry: false });
        if (!st?.isFile()) continue;
        const runId = `${a}/${b}/${c}`;
        out.push({ runId, key: `runs/${runId}/events.ndjson`, file, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  }
  return out;
}

export function unchanged(file: EventsFile, entry: CursorEntry | undefined): boolean {
  return (
    entry !== undefined &&
    entry.size === file.size &&
    entry.mtime_ms === file.mtimeMs &&
    entry.byte_offset === file.size
  );
}

export interface NewLine {
  /** 1-based line number in the file, counting blank lines. */
  index: number;
  text: string;
  /** Byte offset just after this line's newline. */
  end: number;
}

function readRange(file: string, start: number, end: number): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(end - start);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Counts complete lines in the first `offset` bytes, for a cursor that only knows a line count. */
function offsetOfLine(file: string, lineCount: number, size: number): number {
  if (lineCount === 0) return 0;
  const buf = readRange(file, 0, size);
  let seen = 0;
  for (let i = 0; i < buf.length; i += 1) {
    if (buf[i] === 0x0a) {
      seen += 1;
      if (seen === lineCount) return i + 1;
    }
  }
  return -1;
}

/**
 * The complete lines after the cursor. A torn last line (no newline yet) is left for the next
 * scan: the projector repairs or completes it. A file that shrank below the cursor was replaced,
 * so it is read from the start again (delivery inserts are idempotent).
 */
export function readNewLines(
  file: EventsFile,
  entry: CursorEntry | undefined,
): { lines: NewLine[]; startLine: number; startOffset: number } {
  let lineCount = entry?.line_count ?? 0;
  let offset = entry ? entry.byte_offset : 0;
  if (offset < 0) offset = offsetOfLine(file.file, lineCount, file.size);
  if (offset < 0 || offset > file.size) {
    offset = 0;
    lineCount = 0;
  }
  const buf = readRange(file.file, offset, file.size);
  const lines: NewLine[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i += 1) {
    if (buf[i] !== 0x0a) continue;
    lines.push({
      index: lineCount + lines.length + 1,
      text: buf.subarray(start, i).toString("utf8"),
      end: offset + i + 1,
    });
    start = i + 1;
  }
  return { lines, startLine: lineCount, startOffset: offset };
}

export type ParsedEvent =
  | { kind: "event"; event: Record<string, unknown> }
  | { kind: "invalid"; raw: string | null }
  | { kind: "blank" };

/** One line → an event object, or INVALID: never throws, so one corrupt line cannot stop a reader. */
export function parseEventLine(text: string): ParsedEvent {
  if (text.trim() === "") return { kind: "blank" };
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return { kind: "event", event: value as Record<string, unknown> };
    }
    return { kind: "invalid", raw: null };
  } catch {
    return { kind: "invalid", raw: text };
  }
}
