/**
 * POSIX shell-word splitting of a command template, done by shell-quote. No shell ever runs
 * the result, so anything a shell would *interpret* (operators, globs, comments, `$` and
 * backtick expansion, `~`) is refused with a clear error instead of being passed on
 * silently changed: the template author must see that it will not behave like a shell.
 */
import { parse, type ParseEntry } from "shell-quote";
import { invalidTemplate } from "./argv-error.js";

/** Thrown from shell-quote's variable callback so no `$NAME` is ever expanded. */
class VariableReference extends Error {
  constructor(readonly variable: string) {
    super(variable);
  }
}

/**
 * shell-quote silently drops an unterminated quote or a trailing backslash and keeps
 * backticks literal; this pass only tracks quote state to refuse those cases. The words
 * themselves still come from shell-quote.
 */
function refuseWhatTheParserWouldHide(text: string): void {
  let quote: "'" | '"' | "$'" | null = null;
  let wordStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = null;
      continue;
    }
    if (quote === "$'") {
      if (c === "\\") i += 1;
      else if (c === "'") quote = null;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= text.length) throw invalidTemplate("it ends with a lone backslash");
      i += 1;
      wordStart = false;
      continue;
    }
    if (c === "`") {
      throw invalidTemplate("backtick command substitution is not supported (no shell runs)");
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      continue;
    }
    if (c === "\n" || c === "\r") {
      throw invalidTemplate("an unquoted line break would start a second command");
    }
    if (c === "~" && wordStart) {
      throw invalidTemplate("a leading ~ is not expanded (no shell runs); write the full path");
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "$" && text.charAt(i + 1) === "'") {
      quote = "$'";
      i += 1;
    }
    wordStart = c === " " || c === "\t";
  }
  if (quote !== null) throw invalidTemplate(`unterminated ${quote} quote`);
}

function refuseNonWord(entry: Exclude<ParseEntry, string>): never {
  if ("comment" in entry) {
    throw invalidTemplate('an unquoted "#" would start a shell comment; quote it to pass it literally');
  }
  if (entry.op === "glob") {
    throw invalidTemplate(
      `glob "${entry.pattern}" is not expanded (no shell runs); quote it to pass it literally`,
    );
  }
  throw invalidTemplate(
    `shell operator "${entry.op}" is not supported (the command runs without a shell); quote it to pass it literally`,
  );
}

export function splitPosixWords(template: string): string[] {
  const text = template.trim();
  refuseWhatTheParserWouldHide(text);
  let entries: ParseEntry[];
  try {
    entries = parse(text, (name: string) => {
      throw new VariableReference(name);
    });
  } catch (error) {
    if (error instanceof VariableReference) {
      const what = error.variable === "" ? 'a bare "$" (or $(...) substitution)' : `"$${error.variable}"`;
      throw invalidTemplate(
        `${what} is not expanded (no shell runs); use a {placeholder}, or \\$ or single quotes for a literal $`,
      );
    }
    throw invalidTemplate(error instanceof Error ? error.message : String(error));
  }
  return entries.map((entry) => (typeof entry === "string" ? entry : refuseNonWord(entry)));
}
