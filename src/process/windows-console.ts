import { INFINITE, loadKernel32, type FileTime, type Handle } from "../../native-bindings/kernel32.js";
import {
  CREATE_NEW_CONSOLE,
  CREATE_SUSPENDED,
  CREATE_UNICODE_ENVIRONMENT,
  loadKernel32Process,
  type ProcessInformation,
} from "../../native-bindings/kernel32-process.js";
import { windowsCommandLine, windowsEnvironmentBlock } from "./windows-command-line.js";
import { WindowsJob } from "./windows-job.js";

export interface ConsoleLaunchRequest {
  /** argv[0] must be an absolute path: it is passed as the application name, so nothing is searched. */
  argv: readonly string[];
  cwd: string;
  /** The whole environment of the child (already allowlisted); nothing else is inherited. */
  env: Readonly<Record<string, string>>;
  /** Put the process in a new Job Object so its tree can be stopped; off for a user-owned window. */
  inJob: boolean;
  /** Keep the process handle to report the exit code (`exited`); the launch gate lives that long. */
  waitable?: boolean;
}

export interface ConsoleLaunch {
  pid: number;
  /** Creation FILETIME (100 ns since 1601) from the process handle: the identity's start time. */
  startTime: string;
  job: WindowsJob | null;
  /** The exit code, once the process has exited; only for a `waitable` launch. */
  exited?: Promise<number>;
}

const utf16z = (text: string): Buffer => Buffer.from(`${text}\0`, "utf16le");

function fileTimeString(ft: FileTime): string {
  return ((BigInt(ft.dwHighDateTime >>> 0) << 32n) | BigInt(ft.dwLowDateTime >>> 0)).toString();
}

function creationTime(info: ProcessInformation): string {
  const k32 = loadKernel32();
  const times = Array.from({ length: 4 }, () => ({ dwLowDateTime: 0, dwHighDateTime: 0 }));
  const [creation, exit, kernel, user] = times as [FileTime, FileTime, FileTime, FileTime];
  if (!k32.GetProcessTimes(info.hProcess!, creation, exit, kernel, user)) {
    throw new Error(`GetProcessTimes failed (error ${k32.GetLastError()})`);
  }
  return fileTimeString(creation);
}

/** Waits on a pool thread (the caller's only native wait) and closes the handle after. */
function exitCode(process: Handle): Promise<number> {
  const k32 = loadKernel32();
  return new Promise((resolve) => {
    k32.WaitForSingleObject.async(process, INFINITE, () => {
      const code: [number] = [1];
      loadKernel32Process().GetExitCodeProcess(process, code);
      k32.CloseHandle(process);
      resolve(code[0]);
    });
  });
}

/** Joins the job before the first instruction runs (the process starts suspended), then resumes. */
function joinJobAndResume(info: ProcessInformation): WindowsJob {
  const job = WindowsJob.create();
  try {
    job.assignHandle(info.hProcess!);
  } catch (error) {
    loadKernel32Process().TerminateProcess(info.hProcess!, 1);
    job.close();
    throw error;
  }
  loadKernel32Process().ResumeThread(info.hThread!);
  return job;
}

/**
 * Starts argv in a console window of its own (CREATE_NEW_CONSOLE): Node's `detached` on
 * Windows means DETACHED_PROCESS, a process with no console at all, where a TUI has nothing to
 * draw on. The command line is built from argv by the exact inverse of CommandLineToArgvW.
 */
export function launchInNewConsole(req: ConsoleLaunchRequest): ConsoleLaunch {
  const k32 = loadKernel32();
  const proc = loadKernel32Process();
  const [program] = req.argv;
  const commandLine = utf16z(windowsCommandLine(req.argv));
  const flags = CREATE_NEW_CONSOLE | CREATE_UNICODE_ENVIRONMENT | (req.inJob ? CREATE_SUSPENDED : 0);
  const info: ProcessInformation = { hProcess: null, hThread: null, dwProcessId: 0, dwThreadId: 0 };
  const startup = { cb: proc.startupInfoSize, lpTitle: null, dwFlags: 0, wShowWindow: 0 };
  const env = Buffer.from(windowsEnvironmentBlock(req.env), "utf16le");
  if (!proc.CreateProcessW(program!, commandLine, null, null, 0, flags, env, req.cwd, startup, info)) {
    throw new Error(`CreateProcessW failed for ${program} (error ${k32.GetLastError()})`);
  }
  let keepHandle = false;
  try {
    const job = req.inJob ? joinJobAndResume(info) : null;
    const launched: ConsoleLaunch = { pid: info.dwProcessId, startTime: creationTime(info), job };
    if (req.waitable) {
      launched.exited = exitCode(info.hProcess!);
      keepHandle = true;
    }
    return launched;
  } finally {
    k32.CloseHandle(info.hThread!);
    if (!keepHandle) k32.CloseHandle(info.hProcess!);
  }
}
