/**
 * Thin koffi binding of shell32!CommandLineToArgvW (+ kernel32!LocalFree to free its result).
 * Windows splitting must follow the OS's own rules exactly, so we call the OS instead of
 * re-implementing them. koffi and the DLLs are loaded on first use only, and only on Windows.
 */
import { createRequire } from "node:module";
import type * as Koffi from "koffi";

interface Bound {
  koffi: typeof Koffi;
  pointerSize: number;
  commandLineToArgvW: Koffi.KoffiFunc<(commandLine: string, numArgs: number[]) => bigint | null>;
  localFree: Koffi.KoffiFunc<(memory: bigint) => bigint | null>;
  getLastError: Koffi.KoffiFunc<() => number>;
}

let bound: Bound | undefined;

function bind(): Bound {
  if (bound) return bound;
  if (process.platform !== "win32") {
    throw new Error("CommandLineToArgvW is only available on Windows");
  }
  const koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  const shell32 = koffi.load("shell32.dll");
  const kernel32 = koffi.load("kernel32.dll");
  bound = {
    koffi,
    pointerSize: koffi.sizeof("void *"),
    commandLineToArgvW: shell32.func(
      "void * __stdcall CommandLineToArgvW(const char16_t *lpCmdLine, _Out_ int *pNumArgs)",
    ) as Bound["commandLineToArgvW"],
    localFree: kernel32.func("void * __stdcall LocalFree(void *hMem)") as Bound["localFree"],
    getLastError: kernel32.func("uint32_t __stdcall GetLastError()") as Bound["getLastError"],
  };
  return bound;
}

/**
 * Splits `commandLine` exactly as CommandLineToArgvW does. Caller's duty: the OS returns the
 * path of the current executable for an empty string, so never pass one.
 */
export function commandLineToArgvW(commandLine: string): string[] {
  const b = bind();
  const count = [0];
  const argv = b.commandLineToArgvW(commandLine, count);
  if (argv === null || argv === 0n) {
    throw new Error(`CommandLineToArgvW failed (GetLastError ${String(b.getLastError())})`);
  }
  try {
    const n = count[0] ?? 0;
    const out: string[] = [];
    // argv is an LPWSTR[n]: read each pointer slot and decode the UTF-16 string it points to.
    for (let i = 0; i < n; i += 1) {
      const arg: unknown = b.koffi.decode(argv, i * b.pointerSize, "const char16_t *");
      out.push(typeof arg === "string" ? arg : "");
    }
    return out;
  } finally {
    b.localFree(argv);
  }
}
