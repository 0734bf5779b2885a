/**
 * Builds a Windows command line from a fixed argv so that CommandLineToArgvW (and the MSVC
 * runtime, which splits the same way) gives back exactly that argv. CreateProcessW takes one
 * string, not an array: this is the only place argv becomes text, and no shell ever reads it.
 *
 * The rules inverted here:
 * - the program name (first word) ends at the first blank, or, when it starts with a quote, at the
 *   next quote; backslashes in it are literal and it cannot contain a quote;
 * - in every other argument, 2n backslashes before a quote are n backslashes and the quote
 *   opens or closes quoting; 2n+1 backslashes before a quote are n backslashes and a literal
 *   quote; backslashes not before a quote are literal; blanks outside quotes separate arguments.
 */

export class CommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandLineError";
  }
}

/** Characters that end an unquoted argument (CommandLineToArgvW splits on space and tab only). */
const NEEDS_QUOTES = /[ \t\n\v"]/;

function quoteProgram(program: string): string {
  if (program === "") throw new CommandLineError("the program name is empty");
  if (program.includes('"')) throw new CommandLineError(`the program name contains a quote: ${program}`);
  return `"${program}"`;
}

/** One argument, quoted only when it must be, with backslashes doubled only before a quote. */
function quoteArgument(arg: string): string {
  if (arg !== "" && !NEEDS_QUOTES.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes += 1;
      continue;
    }
    // Backslashes before a literal quote are doubled, plus one to escape the quote itself.
    out += ch === '"' ? `${"\\".repeat(backslashes * 2 + 1)}"` : `${"\\".repeat(backslashes)}${ch}`;
    backslashes = 0;
  }
  // Backslashes before the closing quote are doubled so that quote still closes.
  return `${out}${"\\".repeat(backslashes * 2)}"`;
}

/** The command line whose CommandLineToArgvW split is exactly `argv`. NUL cannot be passed at all. */
export function windowsCommandLine(argv: readonly string[]): string {
  const [program, ...args] = argv;
  if (program === undefined) throw new CommandLineError("argv is empty");
  if (argv.some((a) => a.includes("\0"))) throw new CommandLineError("an argument contains a NUL character");
  return [quoteProgram(program), ...args.map(quoteArgument)].join(" ");
}

/**
 * The environment block CreateProcessW takes with CREATE_UNICODE_ENVIRONMENT: `NAME=value\0`
 * entries sorted by name without regard to case (as Windows keeps them), then one more NUL.
 * Only the given variables reach the child: nothing is inherited beside them.
 */
export function windowsEnvironmentBlock(env: Readonly<Record<string, string>>): string {
  const entries = Object.entries(env);
  for (const [name, value] of entries) {
    // A leading "=" is Windows' own per-drive cwd variable; "=" elsewhere would split the name.
    if (name === "" || name.slice(1).includes("=") || name.includes("\0") || value.includes("\0")) {
      throw new CommandLineError(
        `environment variable name or value cannot be passed: ${JSON.stringify(name)}`,
      );
    }
  }
  entries.sort(([a], [b]) => {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return `${entries.map(([name, value]) => `${name}=${value}\0`).join("")}\0`;
}
