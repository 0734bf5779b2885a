import { execFile, type ChildProcess } from "node:child_process";

/**
 * Kills a child and everything it started. POSIX: the child must have been spawned with
 * `detached: true` so it leads its own process group, which is signalled as a whole.
 * Windows: `taskkill /T /F` (a real executable in System32, called with argv, no shell).
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === "win32") {
    execFile("taskkill", ["/pid", String(pid), "/T", "/F"], { windowsHide: true }, () => {
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
