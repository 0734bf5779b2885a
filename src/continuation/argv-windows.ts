/**
 * Windows splitting: CommandLineToArgvW itself (native-bindings/shell32.ts), so templates split
 * exactly as the OS and the MSVC runtime split a command line. Like the POSIX side, we refuse
 * what only cmd.exe would interpret, since no shell runs the result.
 */
import { commandLineToArgvW } from "../../native-bindings/shell32.js";
import { CommandTemplateError, EMPTY_COMMAND, invalidTemplate } from "./argv-error.js";

/** Tokens that are cmd.exe syntax; as arguments they would silently reach the program. */
const CMD_OPERATORS = new Set(["&", "&&", "|", "||", "<", ">", ">>", "1>", "2>", "2>>", "2>&1", "1>&2"]);
const CMD_VARIABLE = /%[A-Za-z_][A-Za-z0-9_()]*%/;

export function splitWindowsCommandLine(template: string): string[] {
  // Leading blanks would give an empty program name; an empty line would give our own exe path.
  const line = template.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
  if (line === "") throw new CommandTemplateError(EMPTY_COMMAND);
  if (/[\r\n]/.test(line)) throw invalidTemplate("a line break would start a second command");
  if (line.includes("\0")) throw invalidTemplate("it contains a NUL character");
  const argv = commandLineToArgvW(line);
  for (const token of argv) {
    if (CMD_OPERATORS.has(token)) {
      throw invalidTemplate(
        `cmd.exe operator "${token}" is not supported (the command runs without a shell)`,
      );
    }
    const variable = CMD_VARIABLE.exec(token);
    if (variable) {
      throw invalidTemplate(
        `"${variable[0]}" is not expanded (no shell runs); use a {placeholder} or a full path`,
      );
    }
  }
  return argv;
}
