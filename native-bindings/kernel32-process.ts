/**
 * Thin koffi declarations for starting processes with CreateProcessW, grouping them in Job
 * Objects, and the calling process's console (asking about it, attaching to another's, sending
 * it Ctrl-C / Ctrl-Break). No logic lives here: callers (src/process) build the command line
 * and environment block, own every handle and close it. Loaded on first use only, and only on
 * Windows.
 */
import { createRequire } from "node:module";
import type * as Koffi from "koffi";
import { loadKernel32, type Handle } from "./kernel32.js";

/** STARTUPINFOW; only `cb` (its size) and what a caller sets are non-zero. */
export interface StartupInfo {
  cb: number;
  lpTitle: string | null;
  dwFlags: number;
  wShowWindow: number;
}

/** PROCESS_INFORMATION, filled by CreateProcessW. */
export interface ProcessInformation {
  hProcess: Handle | null;
  hThread: Handle | null;
  dwProcessId: number;
  dwThreadId: number;
}

export interface Kernel32Process {
  /** sizeof(STARTUPINFOW), the value its `cb` member must hold. */
  startupInfoSize: number;
  /** `commandLine` and `environment` are NUL-terminated UTF-16LE buffers (the line must be writable). */
  CreateProcessW(
    application: string | null,
    commandLine: Buffer,
    processAttributes: null,
    threadAttributes: null,
    inheritHandles: number,
    creationFlags: number,
    environment: Buffer | null,
    currentDirectory: string | null,
    startupInfo: StartupInfo,
    processInformation: ProcessInformation,
  ): number;
  ResumeThread(thread: Handle): number;
  CreateJobObjectW(attributes: null, name: string | null): Handle | null;
  AssignProcessToJobObject(job: Handle, process: Handle): number;
  TerminateJobObject(job: Handle, exitCode: number): number;
  GetConsoleWindow(): Handle | null;
  GetConsoleCP(): number;
  /** Sends Ctrl-C (0) or Ctrl-Break (1) to a process group on the caller's console (0: all of it). */
  GenerateConsoleCtrlEvent(event: number, processGroupId: number): number;
  AttachConsole(processId: number): number;
  FreeConsole(): number;
  GetExitCodeProcess(process: Handle, code: [number]): number;
  TerminateProcess(process: Handle, exitCode: number): number;
}

export const CREATE_SUSPENDED = 0x00000004;
export const CREATE_NEW_CONSOLE = 0x00000010;
export const CREATE_UNICODE_ENVIRONMENT = 0x00000400;

export const CTRL_C_EVENT = 0;
export const CTRL_BREAK_EVENT = 1;

export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_SET_QUOTA = 0x0100;

let cached: Kernel32Process | undefined;

/** Loads the process and job functions of kernel32.dll once per process. Throws off Windows. */
export function loadKernel32Process(): Kernel32Process {
  if (cached) return cached;
  // Registers HANDLE and FILETIME, and refuses to run off Windows.
  loadKernel32();
  const koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  const k32 = koffi.load("kernel32.dll");
  koffi.struct("STARTUPINFOW", {
    cb: "uint32_t",
    lpReserved: "void *",
    lpDesktop: "void *",
    lpTitle: "const char16_t *",
    dwX: "uint32_t",
    dwY: "uint32_t",
    dwXSize: "uint32_t",
    dwYSize: "uint32_t",
    dwXCountChars: "uint32_t",
    dwYCountChars: "uint32_t",
    dwFillAttribute: "uint32_t",
    dwFlags: "uint32_t",
    wShowWindow: "uint16_t",
    cbReserved2: "uint16_t",
    lpReserved2: "void *",
    hStdInput: "void *",
    hStdOutput: "void *",
    hStdError: "void *",
  });
  koffi.struct("PROCESS_INFORMATION", {
    hProcess: "HANDLE",
    hThread: "HANDLE",
    dwProcessId: "uint32_t",
    dwThreadId: "uint32_t",
  });
  const f = (proto: string): unknown => k32.func(proto);
  cached = {
    startupInfoSize: koffi.sizeof("STARTUPINFOW"),
    CreateProcessW: f(
      "int __stdcall CreateProcessW(const char16_t *app, void *cmd, void *pa, void *ta, int inherit, uint32_t flags, void *env, const char16_t *cwd, STARTUPINFOW *si, _Out_ PROCESS_INFORMATION *pi)",
    ),
    ResumeThread: f("uint32_t __stdcall ResumeThread(HANDLE h)"),
    CreateJobObjectW: f("HANDLE __stdcall CreateJobObjectW(void *sa, const char16_t *name)"),
    AssignProcessToJobObject: f("int __stdcall AssignProcessToJobObject(HANDLE job, HANDLE process)"),
    TerminateJobObject: f("int __stdcall TerminateJobObject(HANDLE job, uint32_t exitCode)"),
    GetConsoleWindow: f("HANDLE __stdcall GetConsoleWindow()"),
    GetConsoleCP: f("uint32_t __stdcall GetConsoleCP()"),
    GenerateConsoleCtrlEvent: f("int __stdcall GenerateConsoleCtrlEvent(uint32_t event, uint32_t group)"),
    AttachConsole: f("int __stdcall AttachConsole(uint32_t pid)"),
    FreeConsole: f("int __stdcall FreeConsole()"),
    GetExitCodeProcess: f("int __stdcall GetExitCodeProcess(HANDLE h, _Out_ uint32_t *code)"),
    TerminateProcess: f("int __stdcall TerminateProcess(HANDLE h, uint32_t exitCode)"),
  } as Kernel32Process;
  return cached;
}
