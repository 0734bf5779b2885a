import { OrchestratorError } from "../domain/errors.js";

/** The largest inbox item, in UTF-8 bytes, under any JSON serializer a client may use. */
export const ENVELOPE_MAX_BYTES = 4096;

export interface InboxEnvelope {
  item_id: string;
  kind: string;
  project_id: number;
  task_id: number;
  work_package_id: number | null;
  current_state: string;
  assigned_actor: string;
  assigned_role: string;
  title: string;
  objective?: string;
  next_action: { tool: string; arguments: Record<string, number> };
  context: Record<string, unknown>;
  updated_at: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function quote(text: string, asciiOnly: boolean): string {
  const plain = JSON.stringify(text);
  if (!asciiOnly) return plain;
  // Escaping every UTF-16 unit above 0x7f is the largest form a serializer writes (6 bytes each).
  return plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** JSON with sorted keys and the spaced separators ", " and ": ", the widest common layout. */
function spacedSorted(value: Json, asciiOnly: boolean): string {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" ? quote(value, asciiOnly) : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => spacedSorted(v, asciiOnly)).join(", ")}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${quote(k, asciiOnly)}: ${spacedSorted(value[k] as Json, asciiOnly)}`).join(", ")}}`;
}

/**
 * Size of an envelope as the larger of two serializations: non-ASCII kept raw (UTF-8) and
 * non-ASCII escaped as \uXXXX. Whatever the client's serializer, the item is no larger than this.
 */
export function envelopeBytes(envelope: unknown): number {
  const value = JSON.parse(JSON.stringify(envelope)) as Json;
  return Math.max(
    Buffer.byteLength(spacedSorted(value, false), "utf8"),
    Buffer.byteLength(spacedSorted(value, true), "utf8"),
  );
}

function cut(text: unknown, max: number): unknown {
  return typeof text === "string" && text.length > max ? `${text.slice(0, max)}...` : text;
}

const LIST_FIELDS = [
  "allowed_files",
  "forbidden_files",
  "test_surface",
  "commands_allowed",
  "compact_report_requirements",
];
const TEXT_FIELDS = ["task_objective", "package_objective", "architecture_intent"];

/** The clamp steps in order; each returns a smaller copy, and the first that fits wins. */
function clampSteps(): ((e: InboxEnvelope) => InboxEnvelope)[] {
  const ctxStep = (change: (c: Record<string, unknown>) => void) => (e: InboxEnvelope) => {
    const context = { ...e.context };
    change(context);
    return { ...e, context };
  };
  return [
    (e) => ({ ...e, objective: cut(e.objective, 100) as string }),
    ctxStep((c) => {
      if ("contract_discovery" in c) c["contract_discovery"] = "truncated";
    }),
    ...LIST_FIELDS.map((f) =>
      ctxStep((c) => {
        const v = c[f];
        if (v !== null && typeof v === "object") {
          c[f] = `[${Array.isArray(v) ? v.length : Object.keys(v).length} items]`;
        }
      }),
    ),
    ...TEXT_FIELDS.map((f) => ctxStep((c) => (c[f] = cut(c[f], 50)))),
    (e) => ({ ...e, context: { compact: true } }),
    (e) => ({ ...e, objective: cut(e.objective, 30) as string }),
    (e) => ({ ...e, title: cut(e.title, 50) as string }),
    (e) => {
      const { objective: _dropped, ...rest } = e;
      return rest;
    },
  ];
}

const STEPS = clampSteps();

/**
 * Shrinks an envelope until it fits the cap, one step at a time in a fixed order (long texts
 * first, then lists, then the whole context, then the title and objective). Ids and next_action
 * are never touched; an envelope that still does not fit is refused.
 */
export function clampEnvelope(envelope: InboxEnvelope): InboxEnvelope {
  let current = envelope;
  if (envelopeBytes(current) <= ENVELOPE_MAX_BYTES) return current;
  for (const step of STEPS) {
    current = step(current);
    if (envelopeBytes(current) <= ENVELOPE_MAX_BYTES) return current;
  }
  throw new OrchestratorError(
    `Envelope size (${envelopeBytes(current)} bytes) exceeds maximum limit of ${ENVELOPE_MAX_BYTES} UTF-8 bytes`,
  );
}
