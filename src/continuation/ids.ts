import { createHash, randomBytes } from "node:crypto";
import { stableJson } from "../ledger/json.js";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** `cont_` + 16 hex of sha256(`<run_id>_<source_event_id>`): the same event always maps to one delivery. */
export function continuationId(runId: string, sourceEventId: string): string {
  return `cont_${sha256Hex(`${runId}_${sourceEventId}`).slice(0, 16)}`;
}

/** Per-attempt token: a late ACK from a superseded attempt carries an old one and is refused. */
export function newAttemptId(): string {
  return `att_${randomBytes(8).toString("hex")}`;
}

/**
 * Identity of the event at 1-based line `index` of a run: its own `event_id`,
 * else a stable hash of run, position and canonical JSON (any stable canonical form is allowed;
 * ours is sorted-key compact JSON).
 */
export function eventIdentity(runId: string, index: number, event: Record<string, unknown>): string {
  const own = event.event_id;
  if (typeof own === "string" && own.trim() !== "") return own;
  return `legacy_evt_${sha256Hex(`${runId}_${index}_${stableJson(event)}`).slice(0, 16)}`;
}

export function lockDirName(runId: string): string {
  return sha256Hex(runId).slice(0, 32);
}

export function promptFileName(runId: string, eventIndex: number, type: string): string {
  return `${sha256Hex(`${runId}:${eventIndex}:${type}`).slice(0, 16)}.md`;
}
