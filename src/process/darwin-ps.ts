import { execFile } from "node:child_process";
import type { StartProbe } from "./probe.js";

/**
 * macOS has no procfs; `ps` is the supported interface. Called with a fixed argv (no shell)
 * and a fixed environment: TZ=UTC and LC_ALL=C make `lstart` identical across calls even if
 * the server's own time zone or locale changes. Resolution is one second, so a pid reused
 * within the same second would read as the same process (accepted; documented).
 */
const PS_ENV = { LC_ALL: "C", TZ: "UTC", PATH: "/usr/bin:/bin" };
const LINE = /^(\S+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\d{4})\s*(.*)$/;

function runPs(psPath: string, pid: number): Promise<{ code: number | string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      psPath,
      ["-o", "stat=", "-o", "lstart=", "-o", "comm=", "-p", String(pid)],
      { env: PS_ENV, timeout: 10_000, windowsHide: true },
      (error, stdout) => {
        const code = error ? ((error as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout: String(stdout) });
      },
    );
  });
}

/** Also works with procps `ps` on Linux, which is how it is tested there. */
export async function probePs(pid: number, psPath = "/bin/ps"): Promise<StartProbe> {
  const { code, stdout } = await runPs(psPath, pid);
  const line = stdout.trim();
  // ps exits 1 with no output when no process has the pid.
  if (code === 1 && line === "") return { state: "gone" };
  if (code !== 0) return { state: "unknown", reason: `ps failed: ${code}` };
  const match = LINE.exec(line);
  if (!match) return { state: "unknown", reason: "unexpected ps output" };
  const [, stat = "", lstart = "", comm = ""] = match;
  if (stat.startsWith("Z")) return { state: "gone" };
  const probe: StartProbe = { state: "found", startTime: lstart.replace(/\s+/g, " ") };
  // BSD ps prints the executable's full path as comm; procps only the short name.
  if (comm.startsWith("/")) probe.executablePath = comm;
  return probe;
}
