/**
 * Thin koffi declarations for the libc calls the POSIX wake backend (src/signal) needs. Node has
 * no mkfifo API; everything else (open, read, write, unlink) goes through node:fs.
 * Loaded on first use only, so importing this file on Windows is free.
 */
import { createRequire } from "node:module";
import type * as Koffi from "koffi";

export interface Libc {
  /** Returns 0, or -1 with the reason in errno(). */
  mkfifo(path: string, mode: number): number;
  /** The calling thread's errno right after the last koffi call. */
  errno(): number;
}

export const EEXIST = 17;

let cached: Libc | undefined;

function libraryName(): string {
  switch (process.platform) {
    case "linux":
      return "libc.so.6";
    case "darwin":
      // libc lives inside libSystem; dlopen finds it in the shared cache under this name.
      return "/usr/lib/libSystem.B.dylib";
    case "win32":
      throw new Error("libc bindings are POSIX-only");
    default:
      return "libc.so.7";
  }
}

/** Loads libc once per process. */
export function loadLibc(): Libc {
  if (cached) return cached;
  const koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  const lib = koffi.load(libraryName());
  // mode_t is 32-bit on Linux and 16-bit on macOS; passed in a register either way.
  const mkfifo = lib.func(
    process.platform === "darwin"
      ? "int mkfifo(const char *path, uint16_t mode)"
      : "int mkfifo(const char *path, uint32_t mode)",
  ) as (path: string, mode: number) => number;
  cached = { mkfifo, errno: () => koffi.errno() };
  return cached;
}
