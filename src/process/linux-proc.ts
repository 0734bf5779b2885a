import { readFile, readlink } from "node:fs/promises";
import path from "node:path";
import type { StartProbe } from "./probe.js";

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  /** Field 22: clock ticks after boot, as a decimal string. */
  startTime: string;
}

/**
 * Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself hold
 * spaces and `)`, so it ends at the LAST `)` (splitting on spaces misreads such names). Returns null
 * when malformed.
 */
export function parseProcStat(content: string): ProcStat | null {
  const open = content.indexOf("(");
  const close = content.lastIndexOf(")");
  if (open < 1 || close < open) return null;
  const pid = Number(content.slice(0, open).trim());
  // Fields 3.. follow ") "; field N sits at index N - 3.
  const rest = content
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = rest[0];
  const startTime = rest[19];
  if (!Number.isInteger(pid) || !state || !startTime || !/^\d+$/.test(startTime)) return null;
  return { pid, comm: content.slice(open + 1, close), state, startTime };
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

async function bootId(procRoot: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(procRoot, "sys/kernel/random/boot_id"), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start time as `<ticks>@<boot id>`: ticks alone repeat across reboots, the boot id tells
 * boots apart. Zombies count as gone: the process has ended, only its pid is still held.
 */
export async function probeLinux(pid: number, procRoot = "/proc"): Promise<StartProbe> {
  let content: string;
  try {
    content = await readFile(path.join(procRoot, String(pid), "stat"), "utf8");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ESRCH") return { state: "gone" };
    return { state: "unknown", reason: `cannot read /proc/${pid}/stat: ${code ?? String(error)}` };
  }
  const stat = parseProcStat(content);
  if (!stat || stat.pid !== pid) return { state: "unknown", reason: `malformed /proc/${pid}/stat` };
  if (stat.state === "Z" || stat.state === "X") return { state: "gone" };
  const boot = await bootId(procRoot);
  const probe: StartProbe = {
    state: "found",
    startTime: boot ? `${stat.startTime}@${boot}` : stat.startTime,
  };
  try {
    probe.executablePath = await readlink(path.join(procRoot, String(pid), "exe"));
  } catch {
    // Other users' processes hide their exe link; the identity then says UNKNOWN.
  }
  return probe;
}

/** Same process iff the ticks agree and, when both sides know it, the boot id agrees. */
export function sameLinuxStart(stored: string, current: string): boolean {
  const [storedTicks, storedBoot] = stored.split("@");
  const [currentTicks, currentBoot] = current.split("@");
  if (storedTicks !== currentTicks) return false;
  return !storedBoot || !currentBoot || storedBoot === currentBoot;
}

/** The argv the kernel recorded (NUL-separated), or undefined when unreadable. */
export async function readLinuxArgv(pid: number, procRoot = "/proc"): Promise<string[] | undefined> {
  try {
    const raw = await readFile(path.join(procRoot, String(pid), "cmdline"), "utf8");
    const parts = raw.split("\0");
    if (parts.at(-1) === "") parts.pop();
    return parts.length > 0 ? parts : undefined;
  } catch {
    return undefined;
  }
}
