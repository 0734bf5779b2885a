import fs from "node:fs";
import path from "node:path";
import { parseNpmCmdShim, type NpmShim } from "./npm-shim.js";
import { ProgramNotFoundError, resolveProgram, type ResolveOptions } from "./which.js";

export interface CommandResolveOptions extends ResolveOptions {
  /** The text of a file, or null when it cannot be read (test seam; default: node:fs). */
  readFile?: (file: string) => string | null;
}

/** Files only a shell can run; a batch file may still be an npm shim we can read instead. */
const BATCH = /\.(cmd|bat)$/i;
const POWERSHELL = /\.ps1$/i;
/** What Windows starts directly (CreateProcessW runs these without cmd.exe). */
const DIRECT_PROGRAM = /\.(exe|com)$/i;

/** Largest shim we read: cmd-shim's output is well under 1 KB. */
const MAX_SHIM_BYTES = 16 * 1024;

function readSmallFile(file: string): string | null {
  try {
    if (fs.statSync(file).size > MAX_SHIM_BYTES) return null;
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

const GIVE_INSTEAD = "give the .exe it runs, or node.exe with the script path, instead";

/** The program exists but cannot be started without a shell. */
export class CommandRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandRefusedError";
  }
}

function refusal(program: string, why: string): CommandRefusedError {
  return new CommandRefusedError(
    `program '${program}' ${why}; no shell is used to start programs, so ${GIVE_INSTEAD}`,
  );
}

/** `node` as the shim itself would pick it: node.exe beside the shim, else node on PATH. */
function nodeFor(shim: string, opts: CommandResolveOptions): string {
  const beside = path.win32.join(path.win32.dirname(shim), "node.exe");
  if (opts.isFile(beside)) return beside;
  return resolveProgram("node", { ...opts, pathext: ".EXE;.COM" });
}

function argvOfShim(shim: string, parsed: NpmShim, opts: CommandResolveOptions): string[] {
  const dir = path.win32.dirname(shim);
  if (parsed.kind === "other-interpreter") {
    throw refusal(shim, `is an npm shim for a '${parsed.interpreter}' script, which Windows cannot run`);
  }
  if (parsed.kind === "program") {
    const program = path.win32.resolve(dir, parsed.program);
    if (!DIRECT_PROGRAM.test(program)) {
      throw refusal(shim, `is an npm shim for '${program}', which is not an .exe`);
    }
    if (!opts.isFile(program)) throw refusal(shim, `is an npm shim for '${program}', which does not exist`);
    return [program];
  }
  const script = path.win32.resolve(dir, parsed.script);
  if (!opts.isFile(script)) throw refusal(shim, `is an npm shim for '${script}', which does not exist`);
  return [nodeFor(shim, opts), ...parsed.options, script];
}

/**
 * Resolves argv[0] to what can be started without a shell: an absolute program path (see
 * resolveProgram), and on Windows an npm `.cmd` shim replaced by what it runs (`node.exe
 * <script>` or the `.exe` it names) with the rest of argv kept. Any other batch file, and any
 * PowerShell script, is refused with the reason and what to give instead.
 */
export function resolveCommand(argv: readonly string[], opts: CommandResolveOptions): string[] {
  const [first, ...rest] = argv;
  if (first === undefined) throw new ProgramNotFoundError("command is empty");
  const program = resolveProgram(first, opts);
  if (POWERSHELL.test(program)) throw refusal(program, "is a PowerShell script");
  if (!BATCH.test(program)) return [program, ...rest];
  if (opts.platform !== "win32") throw refusal(program, "is a Windows batch file");
  const text = (opts.readFile ?? readSmallFile)(program);
  const parsed = text === null ? null : parseNpmCmdShim(text);
  if (!parsed) {
    throw refusal(program, "is a batch file that is not an npm-generated shim (only cmd.exe could run it)");
  }
  return [...argvOfShim(program, parsed, opts), ...rest];
}
