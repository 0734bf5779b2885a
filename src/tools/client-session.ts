import { argvValueRefusal } from "../domain/argv-values.js";
/**
 * The client's own session id from a tool call's `_meta`. Codex sends its thread id there on every
 * call, under three names (`threadId`, `sessionId`, `x-codex-turn-metadata.session_id`); other
 * clients send none, which is fine: the answer is then null. Trimmed, and kept only if it is safe
 * as a word of a resume command's argv (no leading '-', no space, at most 200 characters): it ends
 * up in the ledger and in that argv.
 */
function usable(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  return argvValueRefusal("controller_session_id", text) === null ? text : null;
}

export function clientSessionId(meta: unknown): string | null {
  if (meta === null || typeof meta !== "object") return null;
  const m = meta as Record<string, unknown>;
  const turn = m["x-codex-turn-metadata"];
  const nested =
    turn !== null && typeof turn === "object" ? (turn as Record<string, unknown>).session_id : null;
  return usable(m.threadId) ?? usable(m.sessionId) ?? usable(nested);
}
