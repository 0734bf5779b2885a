/**
 * Ledger text (titles, agent names, error messages) is written by agents, so it may hold
 * terminal control sequences: an ESC or C1 sequence can clear the operator's screen, move the
 * cursor or retitle the window, and a bidi override can make a line read differently from
 * what it holds. Everything grace-status prints, and the agents' text in the files a person may
 * print (the handoff report, the continuation prompt), passes through here: such characters are
 * shown as visible escapes (`\x1b`, `\u202e`), never sent to the terminal.
 */

// C0 controls (tab and newline included: one value stays on one line), DEL, C1 controls, and
// the bidi and invisible format characters that reorder or hide text.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
/** The same set less C0, which JSON.stringify escapes itself (its own newlines are layout). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control or bidi character replaced by its visible escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** The same value with every string in it made terminal-safe (for a snapshot before rendering). */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === "string") return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => terminalSafeDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafeDeep(v)])) as T;
  }
  return value;
}

/**
 * JSON for a terminal: JSON.stringify already escapes C0 controls; the C1 and bidi characters
 * it leaves raw are written as `\uXXXX` escapes, which parse back to the same data.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_IN_JSON,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
