import { createHash, randomBytes } from "node:crypto";
import { OrchestratorError } from "../domain/errors.js";
import { probePs } from "./darwin-ps.js";
import { probeLinux, readLinuxArgv, sameLinuxStart } from "./linux-proc.js";
import { UNKNOWN, type ProbeOptions, type StartProbe } from "./probe.js";
import { probeWindows } from "./windows-times.js";

export { UNKNOWN, type ProbeOptions } from "./probe.js";

export interface ProcessIdentity {
  pid: number;
  /** OS start time (Linux `<ticks>@<boot id>`, macOS UTC `lstart`, Windows creation FILETIME), or UNKNOWN. */
  os_start_time: string;
  executable_path: string;
  /** First 16 hex of sha256 of the argv joined by NUL, or UNKNOWN. */
  argv_hash: string;
  launch_nonce: string;
}

export type Liveness = "MATCH" | "NOT_FOUND_OR_REUSED" | "UNKNOWN";

function assertPid(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0 || pid > 0xffffffff) {
    throw new OrchestratorError(`Invalid process id: ${pid}`);
  }
}

export function argvHash(argv: readonly string[]): string {
  return createHash("sha256").update(argv.join("\0"), "utf8").digest("hex").slice(0, 16);
}

export function newLaunchNonce(): string {
  return randomBytes(8).toString("hex");
}

async function probe(pid: number, opts: ProbeOptions): Promise<StartProbe> {
  const platform = opts.platform ?? process.platform;
  if (platform === "linux") return probeLinux(pid, opts.procRoot);
  if (platform === "win32") return probeWindows(pid);
  // macOS and the BSDs: `ps` (the predecessor read every such pid as gone).
  return probePs(pid, opts.psPath);
}

function sameStart(platform: NodeJS.Platform, stored: string, current: string): boolean {
  return platform === "linux" ? sameLinuxStart(stored, current) : stored === current;
}

/**
 * Captures what identifies `pid` now. Fields the OS will not tell are UNKNOWN, never guessed.
 * `argv` is what the launcher passed (hashed as given); without it Linux reads /proc cmdline.
 */
export async function captureIdentity(
  pid: number,
  argv?: readonly string[],
  nonce?: string,
  opts: ProbeOptions = {},
): Promise<ProcessIdentity> {
  assertPid(pid);
  const found = await probe(pid, opts);
  const platform = opts.platform ?? process.platform;
  const recordedArgv = argv ?? (platform === "linux" ? await readLinuxArgv(pid, opts.procRoot) : undefined);
  return {
    pid,
    os_start_time: found.state === "found" ? found.startTime : UNKNOWN,
    executable_path: (found.state === "found" && found.executablePath) || UNKNOWN,
    argv_hash: recordedArgv ? argvHash(recordedArgv) : UNKNOWN,
    launch_nonce: nonce ?? newLaunchNonce(),
  };
}

/**
 * Tri-state liveness: only pid and start time are compared. MATCH = the same
 * process still runs; NOT_FOUND_OR_REUSED = it is gone (or the pid now names another process);
 * UNKNOWN = the OS would not say, or the stored start time was never known.
 */
export async function checkLiveness(
  identity: Pick<ProcessIdentity, "pid" | "os_start_time">,
  opts: ProbeOptions = {},
): Promise<Liveness> {
  assertPid(identity.pid);
  const current = await probe(identity.pid, opts);
  if (current.state === "gone") return "NOT_FOUND_OR_REUSED";
  if (current.state === "unknown" || identity.os_start_time === UNKNOWN) return "UNKNOWN";
  const platform = opts.platform ?? process.platform;
  return sameStart(platform, identity.os_start_time, current.startTime) ? "MATCH" : "NOT_FOUND_OR_REUSED";
}
