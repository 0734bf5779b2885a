/**
 * Reads the `.cmd` shims npm writes for a package's bins (cmd-shim's fixed format) without running
 * cmd.exe: Node cannot start a batch file without a shell, and we never use one. Only the exact
 * text cmd-shim generates is understood; anything else in a batch file could do anything, so it
 * is not guessed at. Pure: the caller reads the file.
 */

/** What a shim runs: `node <script>` (with the shebang's fixed options), or a program directly. */
export type NpmShim =
  | { kind: "node"; options: string[]; script: string }
  | { kind: "program"; program: string }
  | { kind: "other-interpreter"; interpreter: string };

/** The preamble every cmd-shim `.cmd` starts with: it sets dp0 to the shim's own directory. */
const PREAMBLE = [
  "@ECHO off",
  "GOTO start",
  ":find_dp0",
  "SET dp0=%~dp0",
  "EXIT /b",
  ":start",
  "SETLOCAL",
  "CALL :find_dp0",
].join("\n");

/** A shim for a script with a shebang: the interpreter next to the shim, else the one on PATH. */
const INTERPRETED = new RegExp(
  [
    String.raw`^IF EXIST "%dp0%\\(?<near>[^"%]+)\.exe" \(`,
    String.raw`  SET "_prog=%dp0%\\\k<near>\.exe"`,
    String.raw`\) ELSE \(`,
    String.raw`  SET "_prog=(?<prog>[^"%]+)"`,
    String.raw`  SET PATHEXT=%PATHEXT:;\.JS;=;%`,
    String.raw`\)`,
    "",
    String.raw`endLocal & goto #_undefined_# 2>NUL \|\| title %COMSPEC% & "%_prog%" (?<options>[^"%]*?) ?"%dp0%\\(?<target>[^"%]+)" %\*$`,
  ].join("\n"),
);

/** A shim for a program run directly (a bin that is itself an .exe). */
const DIRECT = new RegExp(String.raw`^"%dp0%\\(?<target>[^"%]+)" +%\*$`);

/** Shebang options cmd-shim copies verbatim: only plain flags, which cmd.exe passes unchanged. */
const PLAIN_OPTION = /^[A-Za-z0-9_=.,:/+-]+$/;

/**
 * Parses a shim's text. Paths come back as written (relative to the shim's directory, with
 * backslashes); null when the text is not exactly what cmd-shim writes.
 */
export function parseNpmCmdShim(text: string): NpmShim | null {
  const body = text.replace(/\r\n/g, "\n").trim();
  if (!body.startsWith(`${PREAMBLE}\n`)) return null;
  const rest = body.slice(PREAMBLE.length).trim();
  const direct = DIRECT.exec(rest);
  if (direct?.groups) return { kind: "program", program: direct.groups.target! };
  const interpreted = INTERPRETED.exec(rest);
  if (!interpreted?.groups) return null;
  const { near, prog, options, target } = interpreted.groups as {
    near: string;
    prog: string;
    options: string;
    target: string;
  };
  if (near !== prog) return null;
  if (prog !== "node") return { kind: "other-interpreter", interpreter: prog };
  const list = options.split(" ").filter((o) => o !== "");
  if (!list.every((o) => PLAIN_OPTION.test(o))) return null;
  return { kind: "node", options: list, script: target };
}
