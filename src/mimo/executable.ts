import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";
import { CommandRefusedError, resolveCommand } from "../process/resolve-command.js";
import { ProgramNotFoundError, resolveProgram } from "../process/which.js";

const SHIM_EXTENSIONS = [".cmd", ".bat", ".ps1"];

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/**
 * The real mimo.exe behind an npm shim directory: the shim only re-launches it
 * through cmd.exe, which we never use. A non-"baseline" build is preferred.
 */
export function exeBehindShim(shimDir: string, platform: NodeJS.Platform = process.platform): string | null {
  const p = pathApi(platform);
  const scope = p.join(shimDir, "node_modules", "@mimo-ai", "cli", "node_modules", "@mimo-ai");
  let entries: string[];
  try {
    entries = readdirSync(scope).filter((e) => e.startsWith("mimocode-windows-"));
  } catch {
    return null;
  }
  entries.sort(
    (a, b) => Number(a.includes("baseline")) - Number(b.includes("baseline")) || a.localeCompare(b),
  );
  for (const entry of entries) {
    const exe = p.join(scope, entry, "bin", "mimo.exe");
    if (isFile(exe)) return exe;
  }
  return null;
}

function shimRefusal(command: string, why: string): OrchestratorError {
  return new OrchestratorError(
    `Mimo command '${command}' resolves to a shim and no real mimo.exe was found behind it${why}; set GRACE_ORCHESTRATOR_MIMO_COMMAND to the full path of mimo.exe`,
  );
}

/**
 * The program behind a shim: Mimo's own mimo.exe in its npm package first (its bin script only
 * re-launches it), else what an npm `.cmd` shim runs, read by the shared command resolver.
 */
function fromShim(
  shim: string,
  command: string,
  platform: NodeJS.Platform,
  search: { pathEnv: string; probe: (file: string) => boolean },
): string[] {
  const exe = exeBehindShim(pathApi(platform).dirname(shim), platform);
  if (exe) return [exe];
  if (platform !== "win32" || pathApi(platform).extname(shim).toLowerCase() === ".ps1") {
    throw shimRefusal(command, "");
  }
  try {
    return resolveCommand([shim], { platform, path: search.pathEnv, isFile: search.probe });
  } catch (error) {
    if (error instanceof CommandRefusedError || error instanceof ProgramNotFoundError) {
      throw shimRefusal(command, ` (${error.message})`);
    }
    throw error;
  }
}

/**
 * Resolution, always to an absolute path: spawn must never search for a bare name
 * itself, because on Windows libuv looks in the child's cwd (the worker's worktree, which the
 * worker controls) before PATH. For the same reason relative PATH entries ('.', '', 'bin') are
 * skipped: for Mimo they would mean that worktree. An existing file that is not a script shim is
 * used as is; on Windows `<cmd>.exe` on PATH wins, else what an npm shim runs. Never resolves
 * to something that needs a shell. `probe` (is this a file?) is injectable so the Windows rules
 * can be tested on any host.
 */
export function resolveMimoExecutable(
  command: string,
  pathEnv: string,
  platform: NodeJS.Platform = process.platform,
  probe: (file: string) => boolean = isFile,
): string[] {
  const cmd = command.trim();
  if (!cmd) throw new OrchestratorError("GRACE_ORCHESTRATOR_MIMO_COMMAND must not be blank");
  const p = pathApi(platform);
  const isShim = (file: string) => SHIM_EXTENSIONS.includes(p.extname(file).toLowerCase());
  const hasDir = cmd.includes("/") || (platform === "win32" && cmd.includes("\\"));
  if (hasDir || p.isAbsolute(cmd)) {
    const abs = p.resolve(cmd);
    if (!probe(abs)) throw new OrchestratorError(`Mimo executable not found: ${abs}`);
    return isShim(abs) ? fromShim(abs, cmd, platform, { pathEnv, probe }) : [abs];
  }
  const notFound = new OrchestratorError(
    `Mimo executable '${cmd}' was not found on PATH; set GRACE_ORCHESTRATOR_MIMO_COMMAND to its full path` +
      (platform === "win32" ? " (mimo.exe)" : ""),
  );
  // The PATH walk (absolute entries only) is the shared one; Mimo only adds the shim rules.
  const search = (name: string, pathext: string | undefined, accept: (file: string) => boolean) => {
    try {
      return resolveProgram(name, { path: pathEnv, pathext, platform, isFile: (f) => probe(f) && accept(f) });
    } catch (error) {
      if (error instanceof ProgramNotFoundError) return null;
      throw error;
    }
  };
  if (platform === "win32") {
    const base = p.extname(cmd).toLowerCase() === ".exe" ? cmd.slice(0, -4) : cmd;
    const exe = search(base, ".EXE", () => true);
    if (exe) return [exe];
    const shim = search(base, SHIM_EXTENSIONS.join(";"), () => true);
    if (shim) return fromShim(shim, cmd, platform, { pathEnv, probe });
    throw notFound;
  }
  const found = search(cmd, undefined, (file) => !isShim(file));
  if (!found) throw notFound;
  return [found];
}
