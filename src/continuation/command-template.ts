/**
 * Controller command templates, turned into an argv without any shell.
 *
 * Order matters: the template is split into words FIRST (POSIX shell-word rules via
 * shell-quote, or CommandLineToArgvW on Windows), and placeholders are substituted AFTER,
 * inside each word. A value can therefore never add, remove or re-split arguments, and it is
 * never interpreted: spaces, quotes, `;`, `&&`, `$(...)`, backticks and `%PATH%` arrive as
 * plain characters of one argv element.
 *
 * Placeholder rules:
 * - `{name}` with name in PLACEHOLDER_NAMES; any other `{identifier}` is an error (a typo must
 *   not launch a controller with a literal `{promt_file}`). Braces around anything that is
 *   not an identifier (`{"a":1}`, `{a,b}`) stay literal. There is no escape for a literal
 *   `{prompt}`.
 * - A word that is exactly a placeholder becomes the value, even an empty one (an empty argv
 *   element is kept, so positions never shift).
 * - A placeholder embedded in a larger word (`--file={prompt_file}`) is replaced inside that
 *   word, which stays ONE element (`--file=/p/x.md`). Several placeholders in one word work.
 * - Substitution is single-pass: a value containing `{run_id}` is not substituted again.
 * - Quoting a placeholder in the template (`"{prompt_file}"`) is harmless and common.
 * - Missing (undefined/null) values are empty strings, as the predecessor made them.
 * - If no word mentions `{prompt_file}` or `{prompt}`, the prompt file path is appended as the
 *   last argument (as the predecessor did), unless it is empty.
 */
import { splitPosixWords } from "./argv-posix.js";
import { splitWindowsCommandLine } from "./argv-windows.js";
import { CommandTemplateError, EMPTY_COMMAND, invalidTemplate } from "./argv-error.js";

export { CommandTemplateError, EMPTY_COMMAND, INVALID_TEMPLATE } from "./argv-error.js";

export const PLACEHOLDER_NAMES = [
  "prompt_file",
  "prompt",
  "data_dir",
  "run_id",
  "continuation_id",
  "source_event_id",
  "attempt_id",
  "task_id",
  "work_package_id",
  "report_path",
  "worktree_path",
  "controller_session_id",
] as const;

export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValue = string | number | null | undefined;
export type TemplateValues = Partial<Record<PlaceholderName, PlaceholderValue>>;

const KNOWN = new Set<string>(PLACEHOLDER_NAMES);
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Splits a template into argv words; `platform` picks the rules (win32 → CommandLineToArgvW). */
export function splitCommandTemplate(
  template: string,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (template.trim() === "") throw new CommandTemplateError(EMPTY_COMMAND);
  const argv = platform === "win32" ? splitWindowsCommandLine(template) : splitPosixWords(template);
  if (argv.length === 0) throw new CommandTemplateError(EMPTY_COMMAND);
  return argv;
}

function valueText(values: TemplateValues, name: PlaceholderName): string {
  const value = values[name];
  if (value === undefined || value === null) return "";
  const text = String(value);
  // spawn() rejects NUL; say which value carried it rather than failing obscurely later.
  if (text.includes("\0")) throw invalidTemplate(`the value of {${name}} contains a NUL character`);
  return text;
}

function placeholdersIn(token: string): string[] {
  return Array.from(token.matchAll(PLACEHOLDER), (match) => match[1] ?? "");
}

/** Splits the template, then substitutes placeholders inside each word (see module comment). */
export function renderCommand(
  template: string,
  values: TemplateValues,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const words = splitCommandTemplate(template, platform);
  const used = new Set(words.flatMap(placeholdersIn));
  const unknown = [...used].filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) {
    throw invalidTemplate(
      `unknown placeholder ${unknown.map((name) => `{${name}}`).join(", ")}; known: ${PLACEHOLDER_NAMES.map((name) => `{${name}}`).join(", ")}`,
    );
  }
  const argv = words.map((word) =>
    word.replace(PLACEHOLDER, (_match, name: string) => valueText(values, name as PlaceholderName)),
  );
  if (!used.has("prompt_file") && !used.has("prompt")) {
    const promptFile = valueText(values, "prompt_file");
    if (promptFile !== "") argv.push(promptFile);
  }
  if (argv[0] === "") throw invalidTemplate("the program name is empty after substitution");
  return argv;
}

export type ContinuationMode = "resume" | "logical";

export interface ControllerEnvValues extends TemplateValues {
  mode: ContinuationMode;
  /** 16 random hex chosen by the caller per launch (kept pure: no randomness here). */
  launch_nonce?: string | null;
  attempt_count?: number | string | null;
}

/**
 * The GRACE_* variables set for the launched controller (the caller merges them over
 * its own environment). Missing values become empty strings, so a stale inherited value can
 * never leak through.
 */
export function controllerEnv(values: ControllerEnvValues): Record<string, string> {
  const text = (value: PlaceholderValue): string =>
    value === undefined || value === null ? "" : String(value);
  return {
    GRACE_CONTROLLER_CONTINUATION_MODE: values.mode,
    GRACE_CONTROLLER_CONTINUATION_PROMPT_FILE: text(values.prompt_file),
    GRACE_CONTROLLER_CONTINUATION_RUN_ID: text(values.run_id),
    GRACE_CONTROLLER_CONTINUATION_TASK_ID: text(values.task_id),
    GRACE_CONTROLLER_CONTINUATION_WORK_PACKAGE_ID: text(values.work_package_id),
    GRACE_CONTROLLER_CONTINUATION_REPORT_PATH: text(values.report_path),
    GRACE_CONTROLLER_CONTINUATION_WORKTREE: text(values.worktree_path),
    GRACE_CONTINUATION_ID: text(values.continuation_id),
    GRACE_CONTINUATION_SOURCE_EVENT_ID: text(values.source_event_id),
    GRACE_CONTINUATION_ATTEMPT_ID: text(values.attempt_id),
    GRACE_CONTINUATION_LAUNCH_NONCE: text(values.launch_nonce),
    GRACE_CONTINUATION_RUN_ID: text(values.run_id),
    GRACE_CONTINUATION_ATTEMPT: text(values.attempt_count),
  };
}
