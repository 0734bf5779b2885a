import {
  ERROR_INVALID_PARAMETER,
  loadKernel32,
  PROCESS_QUERY_LIMITED_INFORMATION,
  type FileTime,
  type Handle,
} from "../../native-bindings/kernel32.js";
import type { StartProbe } from "./probe.js";

function fileTimeValue(ft: FileTime): bigint {
  return (BigInt(ft.dwHighDateTime >>> 0) << 32n) | BigInt(ft.dwLowDateTime >>> 0);
}

const MAX_PATH_UNITS = 32_768;

/** The process's executable (Win32 path form); omitted when Windows will not say. */
function imagePath(k32: ReturnType<typeof loadKernel32>, handle: Handle): { executablePath?: string } {
  const buffer = new Uint16Array(MAX_PATH_UNITS);
  const size: [number] = [MAX_PATH_UNITS];
  if (!k32.QueryFullProcessImageNameW(handle, 0, buffer, size)) return {};
  return { executablePath: Buffer.from(buffer.buffer, 0, size[0] * 2).toString("utf16le") };
}

/**
 * OpenProcess(limited query) + GetProcessTimes: the creation FILETIME (100 ns since 1601)
 * is the start time. A handle can still be opened to an exited process while anyone holds
 * one, so a non-zero exit time also means gone. Access denied and other failures → unknown.
 */
export function probeWindows(pid: number): StartProbe {
  const k32 = loadKernel32();
  const handle = k32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
  if (handle === null) {
    const error = k32.GetLastError();
    // ERROR_INVALID_PARAMETER is what OpenProcess reports for a pid that names no process.
    if (error === ERROR_INVALID_PARAMETER) return { state: "gone" };
    return { state: "unknown", reason: `OpenProcess failed with error ${error}` };
  }
  try {
    const creation = { dwLowDateTime: 0, dwHighDateTime: 0 };
    const exit = { dwLowDateTime: 0, dwHighDateTime: 0 };
    const kernel = { dwLowDateTime: 0, dwHighDateTime: 0 };
    const user = { dwLowDateTime: 0, dwHighDateTime: 0 };
    if (!k32.GetProcessTimes(handle, creation, exit, kernel, user)) {
      return { state: "unknown", reason: `GetProcessTimes failed with error ${k32.GetLastError()}` };
    }
    if (fileTimeValue(exit) !== 0n) return { state: "gone" };
    return { state: "found", startTime: fileTimeValue(creation).toString(), ...imagePath(k32, handle) };
  } finally {
    k32.CloseHandle(handle);
  }
}
