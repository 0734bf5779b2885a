/**
 * Every size bound of what the server answers and accepts, in one place, so the tools, the transport
 * and the README agree.
 */

/** No tool answer (the whole JSON-RPC result) is larger than this. */
export const ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Answers an agent reads in its loop (waits, event pages, summaries, claims) stay under this: Codex
 * shows a model about 12 KB of a tool's text and cuts the middle of anything longer, breaking the JSON.
 */
export const LOOP_ANSWER_MAX_BYTES = 12 * 1024;

/** The share of a loop answer a list of items (events) may fill; the rest is the answer's own fields. */
export const LOOP_LIST_BUDGET_BYTES = 8 * 1024;

/**
 * The events of one wait answer. The wait declares an output schema, so its answer carries the
 * value twice (text and structuredContent) and the list gets half a loop list's share.
 */
export const WAIT_LIST_BUDGET_BYTES = LOOP_LIST_BUDGET_BYTES / 2;

/** One event inside a loop answer; a larger one shows its payload's sizes instead of its big fields. */
export const EVENT_MAX_BYTES = 4 * 1024;

/** A diff page: the default and the largest amount of diff text one `repo.diff` answer carries. */
export const DIFF_PAGE_DEFAULT_BYTES = 32 * 1024;
export const DIFF_PAGE_MAX_BYTES = 48 * 1024;

/** One incoming JSON-RPC message (one line on stdin); a longer one is refused, the connection stays. */
export const MESSAGE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A submission's diff: git stops once its output passes this, before the diff is held in memory,
 * stored in the shared ledger and read back by every view of the submission.
 */
export const SUBMISSION_DIFF_MAX_BYTES = 16 * 1024 * 1024;

/** A free-form JSON argument (report, packet, plan, mapping, notes): its serialized size and nesting. */
export const JSON_ARG_MAX_BYTES = 64 * 1024;
export const JSON_ARG_MAX_DEPTH = 8;

/** A handoff event message a worker reports: short, so a page of events fits a loop answer. */
export const EVENT_MESSAGE_MAX_CHARS = 2_000;

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/**
 * Nesting depth of a JSON value (a scalar is 0, `{}` or `[]` is 1), counted without recursion and
 * stopping once past `stopAfter`, so a hostile million-deep value costs nothing and cannot overflow the stack.
 */
export function jsonDepth(value: unknown, stopAfter = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > stopAfter) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The longest prefix of `items` whose JSON array fits `budget` bytes, but never empty when items
 * exist: a page always makes progress, and the answer's own bound catches a single oversized item.
 * Items are drawn one at a time, so a lazy sequence is read only as far as the page goes.
 */
export function fitByBytes<T>(items: Iterable<T>, budget: number): T[] {
  const out: T[] = [];
  let used = 2;
  for (const item of items) {
    const size = jsonBytes(item) + (out.length > 0 ? 1 : 0);
    if (out.length > 0 && used + size > budget) break;
    out.push(item);
    used += size;
  }
  return out;
}
