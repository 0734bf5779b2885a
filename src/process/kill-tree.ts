import { execFile, type ChildProcess } from "node:child_process";
import { processProgramSearch } from "../config/program-search.js";
import { WindowsJob } from "./windows-job.js";

/** A started child and, on Windows, the Job Object holding its tree. */
export interface ProcessTree {
  child: ChildProcess;
  job: WindowsJob | null;
  /** Why the child could not be put in a job (then only taskkill is left to stop its tree). */
  jobError: string | null;
}

/**
 * Call synchronously right after spawn(). POSIX: the child must have been spawned with
 * `detached: true` so it leads its own process group. Windows: the child joins a new Job
 * Object, and every process it starts from then on joins it too. Node cannot start a child
 * suspended, so a process it started before this call (in its first microseconds) would not
 * be in the job; the console launch (windows-console.ts) starts suspended and has no such gap.
 */
export function trackTree(child: ChildProcess): ProcessTree {
  if (process.platform !== "win32" || child.pid === undefined) return { child, job: null, jobError: null };
  let job: WindowsJob | null = null;
  try {
    job = WindowsJob.create();
    job.assignPid(child.pid);
    return { child, job, jobError: null };
  } catch (error) {
    job?.close();
    return { child, job: null, jobError: (error as Error).message };
  }
}

/** Releases the job handle once the tree is done with (closing it stops nothing). */
export function releaseTree(tree: ProcessTree): void {
  tree.job?.close();
  tree.job = null;
}

function taskkill(pid: number): Promise<string | null> {
  // By its absolute System32 path: a bare name would be searched in the child's cwd first,
  // which may be a worker's worktree. Called with argv, no shell.
  const exe = processProgramSearch().taskkillPath ?? "C:\\Windows\\System32\\taskkill.exe";
  return new Promise((resolve) => {
    execFile(exe, ["/pid", String(pid), "/T", "/F"], { windowsHide: true }, (error, _out, stderr) => {
      if (!error) return resolve(null);
      resolve(`taskkill /T /F failed: ${String(stderr).trim() || error.message}`);
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): string | null {
  try {
    process.kill(-child.pid!, signal);
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return null;
    // Not a group leader (or not ours to signal): the child alone is all that is left to try.
    try {
      child.kill(signal);
      return null;
    } catch (inner) {
      return `could not signal process group ${child.pid}: ${(inner as Error).message}`;
    }
  }
}

/**
 * Stops a child and everything it started. Windows: TerminateJobObject (there is no polite
 * signal for these children), with `taskkill /T /F` only when the job could not be made or
 * stopped. POSIX: the signal goes to the child's process group. Resolves to null when the stop
 * was delivered, else why the tree may still be running, for the caller to report.
 */
export async function killTree(
  tree: ProcessTree,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<string | null> {
  const pid = tree.child.pid;
  if (pid === undefined) return null;
  if (process.platform !== "win32") return signalGroup(tree.child, signal);
  const jobFailure = tree.job ? tree.job.terminate() : tree.jobError;
  if (tree.job && jobFailure === null) return null;
  const fallback = await taskkill(pid);
  return fallback === null ? null : `${jobFailure ?? "no job"}; ${fallback}`;
}
