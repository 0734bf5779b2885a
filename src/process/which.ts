import fs from "node:fs";
import path from "node:path";

/** Where a bare program name is looked up: the values come from config (PATH, PATHEXT), never from process.env here. */
export interface ProgramSearch {
  path: string | undefined;
  /** Windows only; unset means the Windows default. */
  pathext?: string | undefined;
  platform: NodeJS.Platform;
}

export interface ResolveOptions extends ProgramSearch {
  /** True for an existing regular file we may run (a directory named like the program is not one). */
  isFile(candidate: string): boolean;
}

export class ProgramNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramNotFoundError";
  }
}

const DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD";

/** Default file check: a regular file, and on POSIX one we may execute. */
export function isExecutableFile(candidate: string): boolean {
  try {
    if (!fs.statSync(candidate).isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(candidate, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function extensions(opts: ProgramSearch): string[] {
  const list = (opts.pathext?.trim() || DEFAULT_PATHEXT)
    .split(";")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.startsWith(".") && e.length > 1);
  return list.length > 0 ? list : DEFAULT_PATHEXT.toLowerCase().split(";");
}

/**
 * Resolves a program to an absolute path BEFORE spawning, because Windows (libuv `search_path`)
 * looks in the child's cwd first — a worker-controlled worktree. Rules:
 * - an absolute path is used as given (Windows also tries PATHEXT when it has no extension);
 * - a bare name is searched in the ABSOLUTE entries of PATH only: empty or relative entries
 *   would mean the cwd, so they are skipped; Windows tries the name as given if it has an
 *   extension, then each PATHEXT extension (in PATHEXT order);
 * - a relative path with a directory part would be relative to the cwd: refused.
 * Throws ProgramNotFoundError when nothing matches.
 */
export function resolveProgram(name: string, opts: ResolveOptions): string {
  const win = opts.platform === "win32";
  const p = win ? path.win32 : path.posix;
  if (name === "" || name.includes("\0")) throw new ProgramNotFoundError("program name is empty or invalid");
  const exts = win ? extensions(opts) : [];
  const withExt = (base: string): string[] => {
    if (!win) return [base];
    const hasExt = p.extname(base) !== "";
    return [...(hasExt ? [base] : []), ...exts.map((e) => `${base}${e}`)];
  };
  const hasDir = win ? /[\\/]/.test(name) || /^[A-Za-z]:/.test(name) : name.includes("/");
  if (hasDir) {
    // A drive-relative (C:x) or rooted-without-drive (\x) name still depends on the cwd's drive.
    const absolute = win ? /^([A-Za-z]:[\\/]|[\\/]{2})/.test(name) : p.isAbsolute(name);
    if (!absolute) {
      throw new ProgramNotFoundError(
        `program '${name}' is a relative path, which would be resolved in the child's working directory; use an absolute path or a bare name on PATH`,
      );
    }
    return withExt(name).find((c) => opts.isFile(c)) ?? name;
  }
  const dirs = (opts.path ?? "")
    .split(win ? ";" : ":")
    .map((d) => (win ? d.trim().replace(/^"(.*)"$/, "$1") : d))
    .filter((d) => d !== "" && (win ? /^([A-Za-z]:[\\/]|[\\/]{2})/.test(d) : p.isAbsolute(d)));
  for (const dir of dirs) {
    for (const candidate of withExt(p.join(dir, name))) if (opts.isFile(candidate)) return candidate;
  }
  throw new ProgramNotFoundError(`program '${name}' was not found on PATH`);
}
