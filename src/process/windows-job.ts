import { loadKernel32, type Handle } from "../../native-bindings/kernel32.js";
import {
  loadKernel32Process,
  PROCESS_SET_QUOTA,
  PROCESS_TERMINATE,
} from "../../native-bindings/kernel32-process.js";

/**
 * A Windows Job Object holding one process tree: every process a member starts joins the job
 * too, so TerminateJobObject stops the whole tree, grandchildren included, where killing the
 * first process would leave them running. No kill-on-close limit is set: closing our handle (or
 * the server exiting) never stops anything; only terminate() does.
 */
export class WindowsJob {
  private constructor(private handle: Handle | null) {}

  static create(): WindowsJob {
    const handle = loadKernel32Process().CreateJobObjectW(null, null);
    if (handle === null) throw new Error(`CreateJobObjectW failed (error ${loadKernel32().GetLastError()})`);
    return new WindowsJob(handle);
  }

  /** Adds a process by its handle (the caller's, left open). */
  assignHandle(process: Handle): void {
    if (!loadKernel32Process().AssignProcessToJobObject(this.live(), process)) {
      throw new Error(`AssignProcessToJobObject failed (error ${loadKernel32().GetLastError()})`);
    }
  }

  /** Adds a running process by pid: what Node's spawn gives us. */
  assignPid(pid: number): void {
    const k32 = loadKernel32();
    const process = k32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, 0, pid);
    if (process === null) throw new Error(`OpenProcess(${pid}) failed (error ${k32.GetLastError()})`);
    try {
      this.assignHandle(process);
    } finally {
      k32.CloseHandle(process);
    }
  }

  /** Ends every process in the job; null when done, else why not. */
  terminate(exitCode = 1): string | null {
    if (this.handle === null) return "the job was already closed";
    if (loadKernel32Process().TerminateJobObject(this.handle, exitCode)) return null;
    return `TerminateJobObject failed (error ${loadKernel32().GetLastError()})`;
  }

  close(): void {
    if (this.handle !== null) loadKernel32().CloseHandle(this.handle);
    this.handle = null;
  }

  private live(): Handle {
    if (this.handle === null) throw new Error("the job was already closed");
    return this.handle;
  }
}
