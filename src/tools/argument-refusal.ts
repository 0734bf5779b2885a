import type { z } from "zod";
import type { RecordKind } from "../domain/errors.js";

const isRowId = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v > 0;
const isDeliveryId = (v: unknown): boolean => typeof v === "string" && /^cont_[0-9a-f]{1,64}$/.test(v);

/** The id arguments that name a record, the kind a refusal calls it, and what a well-formed id is. */
const RECORD_ARGS: readonly (readonly [string, RecordKind, (v: unknown) => boolean])[] = [
  ["project_id", "project", isRowId],
  ["task_id", "task", isRowId],
  ["work_package_id", "work package", isRowId],
  ["session_id", "Mimo session", isRowId],
  ["delegation_id", "role delegation", isRowId],
  ["continuation_id", "continuation delivery", isDeliveryId],
];

/** "task 7, work package 3": the records the arguments name with a well-formed id, or "". */
export function recordsNamed(args: unknown): string {
  if (args === null || typeof args !== "object") return "";
  const a = args as Record<string, unknown>;
  return RECORD_ARGS.filter(([field, , wellFormed]) => wellFormed(a[field]))
    .map(([field, kind]) => `${kind} ${String(a[field])}`)
    .join(", ");
}

/** A field's path as an agent writes it: `capabilities[1]`, `worker_report.files_changed`. */
const pathText = (path: readonly PropertyKey[]): string =>
  path
    .map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join("");

/** A refusal lists at most this many problems, each cut to this many characters: it echoes input. */
const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 200;

const cut = (text: string): string =>
  text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS - 1)}…` : text;

/** Each zod issue as "<message> at <path>", one a line, bounded. */
function issuesText(error: z.ZodError): string {
  const lines = error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => cut(i.path.length === 0 ? i.message : `${i.message} at ${pathText(i.path)}`));
  const more = error.issues.length - MAX_ISSUES;
  return [...lines, ...(more > 0 ? [`… and ${more} more problems`] : [])].join("\n");
}

/**
 * The refusal of arguments the tool's schema rejects: the tool, the records the call named (so an
 * agent juggling several knows which call it was), and every problem with its field.
 */
export function argumentRefusal(tool: string, args: unknown, error: z.ZodError): string {
  const records = recordsNamed(args);
  const about = records === "" ? "" : ` (${records})`;
  return `Input validation error: Invalid arguments for tool ${tool}${about}: ${issuesText(error)}`;
}
