import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../handoff/ndjson-file.js";

/**
 * `host-continuation/cursor.json`, version 1. Besides `line_count` and
 * `updated_at` each entry keeps the byte offset of the next unread line and the size/mtime
 * seen, so an unchanged file is skipped without being opened and a changed one is read from
 * where the last scan stopped. Extra keys are ignored by a reader of the predecessor's format.
 */
export interface CursorEntry {
  line_count: number;
  updated_at: string;
  byte_offset: number;
  size: number;
  mtime_ms: number;
}

export interface Cursor {
  version: 1;
  events: Record<string, CursorEntry>;
}

function validEntry(value: unknown): CursorEntry | null {
  if (value === null || typeof value !== "object") return null;
  const e = value as Partial<CursorEntry>;
  if (typeof e.line_count !== "number" || !Number.isInteger(e.line_count) || e.line_count < 0) return null;
  return {
    line_count: e.line_count,
    updated_at: typeof e.updated_at === "string" ? e.updated_at : "",
    // Without a byte offset (a cursor the predecessor wrote) the file is re-read and lines counted.
    byte_offset: typeof e.byte_offset === "number" && e.byte_offset >= 0 ? e.byte_offset : -1,
    size: typeof e.size === "number" ? e.size : -1,
    mtime_ms: typeof e.mtime_ms === "number" ? e.mtime_ms : -1,
  };
}

/** A missing or invalid file, or another version, is an empty cursor: every file is read from the start. */
export function loadCursor(file: string): Cursor {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return { version: 1, events: {} };
  }
  const value = raw as { version?: unknown; events?: unknown };
  if (value?.version !== 1 || value.events === null || typeof value.events !== "object") {
    return { version: 1, events: {} };
  }
  const events: Record<string, CursorEntry> = {};
  for (const [key, entry] of Object.entries(value.events as Record<string, unknown>)) {
    const valid = validEntry(entry);
    if (valid) events[key] = valid;
  }
  return { version: 1, events };
}

/**
 * Saves atomically, merging with what another supervisor may have saved meanwhile: per file the
 * entry with more lines wins, so `line_count` only grows. Adopting a peer's further position is
 * safe because a cursor only ever moves past lines already enqueued in the ledger.
 */
export function saveCursor(file: string, cursor: Cursor, onDisk: Cursor = loadCursor(file)): Cursor {
  const merged: Record<string, CursorEntry> = { ...onDisk.events };
  for (const [key, entry] of Object.entries(cursor.events)) {
    const other = merged[key];
    if (!other || entry.line_count >= other.line_count) merged[key] = entry;
  }
  const sorted: Record<string, CursorEntry> = {};
  for (const key of Object.keys(merged).sort()) sorted[key] = merged[key]!;
  const result: Cursor = { version: 1, events: sorted };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(result)}\n`);
  return result;
}

/**
 * Keeps the parsed cursor between scans of a long-running supervisor: a no-news scan then costs
 * one stat instead of parsing a 10,000-entry file. Every save is a rename (a new inode), so a
 * peer's save is always noticed.
 */
export class CursorCache {
  private key = "";
  private cursor: Cursor | null = null;

  private static keyOf(file: string): string {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "missing";
  }

  load(file: string): Cursor {
    const key = CursorCache.keyOf(file);
    if (this.cursor && key === this.key) return this.cursor;
    this.cursor = loadCursor(file);
    this.key = key;
    return this.cursor;
  }

  save(file: string, cursor: Cursor): Cursor {
    // Merged with the file as it is now (the cache is reused when no peer wrote it meanwhile).
    this.cursor = saveCursor(file, cursor, this.load(file));
    this.key = CursorCache.keyOf(file);
    return this.cursor;
  }
}
