import { execFile, type ChildProcess } from "node:child_process";
import { processProgramSearch } from "../config/program-search.js";

/**
 * Kills a child and everything it started. POSIX: the child must have been spawned with
 * `detached: true` so it leads its own process group, which is signalled as a whole.
 * Windows: `taskkill /T /F`, by its absolute System32 path (a bare name would be searched in
 * the child's cwd first, which may be a worker's worktree), called with argv, no shell.
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === "win32") {
    const taskkill = processProgramSearch().taskkillPath ?? "C:\\Windows\\System32\\taskkill.exe";
    execFile(taskkill, ["/pid", String(pid), "/T", "/F"], { windowsHide: true }, () => {
      // Best effort: a process that already exited is fine.
    });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group may be gone already; fall back to the child alone.
    try {
      child.kill(signal);
    } catch {
      // already exited
    }
  }
}
