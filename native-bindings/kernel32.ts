/**
 * Thin koffi declarations for the kernel32 calls the wake primitive (src/signal) and the
 * process-identity code use. No logic lives here: callers own error handling and lifetimes.
 *
 * koffi 3: a HANDLE comes back as a BigInt and NULL as `null`. The library (and koffi's
 * native module itself) is loaded on first use only, so importing this file on POSIX is free.
 */
import { createRequire } from "node:module";
import type * as Koffi from "koffi";

/** A kernel object handle as koffi 3 returns it; `null` is NULL. */
export type Handle = bigint;

/** FILETIME: 100 ns intervals since 1601-01-01, split into two 32-bit halves. */
export interface FileTime {
  dwLowDateTime: number;
  dwHighDateTime: number;
}

/** A koffi function: callable synchronously or, with a trailing callback, on libuv's thread pool. */
type AsyncFn<A extends unknown[], R> = ((...args: A) => R) & {
  async: (...args: [...A, (err: unknown, result: R) => void]) => void;
};

export interface Kernel32 {
  CreateEventW: AsyncFn<
    [sa: null, manualReset: number, initialState: number, name: string | null],
    Handle | null
  >;
  OpenEventW: AsyncFn<[access: number, inherit: number, name: string], Handle | null>;
  SetEvent: AsyncFn<[h: Handle], number>;
  WaitForSingleObject: AsyncFn<[h: Handle, ms: number], number>;
  WaitForMultipleObjects: AsyncFn<[count: number, handles: Handle[], waitAll: number, ms: number], number>;
  CloseHandle: AsyncFn<[h: Handle], number>;
  GetLastError: AsyncFn<[], number>;
  OpenProcess: AsyncFn<[access: number, inherit: number, pid: number], Handle | null>;
  /** The four FILETIME arguments are out-parameters: pass empty objects, koffi fills them. */
  GetProcessTimes: AsyncFn<
    [h: Handle, creation: FileTime, exit: FileTime, kernel: FileTime, user: FileTime],
    number
  >;
  /** `name` is an out-buffer of UTF-16 units; `size` is in/out (capacity in, length out). */
  QueryFullProcessImageNameW: AsyncFn<[h: Handle, flags: number, name: Uint16Array, size: [number]], number>;
}

export const WAIT_OBJECT_0 = 0x0;
export const WAIT_ABANDONED_0 = 0x80;
export const WAIT_TIMEOUT = 0x102;
export const WAIT_FAILED = 0xffffffff;
/** WaitForMultipleObjects accepts at most this many handles. */
export const MAXIMUM_WAIT_OBJECTS = 64;
export const INFINITE = 0xffffffff;

export const EVENT_MODIFY_STATE = 0x0002;
export const SYNCHRONIZE = 0x00100000;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_ALREADY_EXISTS = 183;

let cached: Kernel32 | undefined;

/** Loads kernel32.dll once per process. Throws off Windows: callers must check process.platform. */
export function loadKernel32(): Kernel32 {
  if (cached) return cached;
  if (process.platform !== "win32") throw new Error("kernel32 is only available on Windows");
  const koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  const k32 = koffi.load("kernel32.dll");
  // Named types, referenced by the prototype strings below; registered once thanks to the cache.
  koffi.pointer("HANDLE", koffi.opaque());
  koffi.struct("FILETIME", { dwLowDateTime: "uint32_t", dwHighDateTime: "uint32_t" });
  const f = (proto: string): unknown => k32.func(proto);
  cached = {
    CreateEventW: f(
      "HANDLE __stdcall CreateEventW(void *sa, int manualReset, int initialState, const char16_t *name)",
    ),
    OpenEventW: f("HANDLE __stdcall OpenEventW(uint32_t access, int inherit, const char16_t *name)"),
    SetEvent: f("int __stdcall SetEvent(HANDLE h)"),
    WaitForSingleObject: f("uint32_t __stdcall WaitForSingleObject(HANDLE h, uint32_t ms)"),
    WaitForMultipleObjects: f(
      "uint32_t __stdcall WaitForMultipleObjects(uint32_t n, HANDLE *hs, int waitAll, uint32_t ms)",
    ),
    CloseHandle: f("int __stdcall CloseHandle(HANDLE h)"),
    GetLastError: f("uint32_t __stdcall GetLastError()"),
    OpenProcess: f("HANDLE __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)"),
    GetProcessTimes: f(
      "int __stdcall GetProcessTimes(HANDLE h, _Out_ FILETIME *creation, _Out_ FILETIME *exit, _Out_ FILETIME *kernel, _Out_ FILETIME *user)",
    ),
    QueryFullProcessImageNameW: f(
      "int __stdcall QueryFullProcessImageNameW(HANDLE h, uint32_t flags, _Out_ uint16_t *name, _Inout_ uint32_t *size)",
    ),
  } as Kernel32;
  return cached;
}
