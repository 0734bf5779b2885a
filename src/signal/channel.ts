/** Channel names and registry paths shared by both backends. */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// Channel names are short identifiers such as "package-12", "task-3" or "runs"; anything that
// could escape the registry folder (separators, "..", empty) is refused.
const CHANNEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function validateChannel(channel: string): string {
  if (typeof channel !== "string" || !CHANNEL_RE.test(channel) || channel.includes("..")) {
    throw new TypeError(`Invalid signal channel name: ${JSON.stringify(channel)}`);
  }
  return channel;
}

export function channelDir(dataDir: string, channel: string): string {
  return path.join(dataDir, "signals", validateChannel(channel));
}

let counter = 0;

/** Unique across processes and time: pid + per-process counter + randomness (pids get reused). */
export function newWaiterId(): string {
  counter += 1;
  return `${process.pid}-${counter}-${randomBytes(4).toString("hex")}`;
}

/** Temporary entries (waiter killed between create and publish) older than this are swept by notify. */
export const STALE_TMP_MS = 60_000;

export function isTmpEntry(name: string): boolean {
  return name.startsWith(".") && name.endsWith(".tmp");
}

export function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** The channel's registry folder and its entry names; a channel nobody ever waited on is empty. */
export function channelEntries(dataDir: string, channel: string): { dir: string; names: string[] } {
  const dir = channelDir(dataDir, channel);
  try {
    return { dir, names: fs.readdirSync(dir) };
  } catch (e) {
    if (errCode(e) === "ENOENT") return { dir, names: [] };
    throw e;
  }
}
