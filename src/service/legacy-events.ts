import fs from "node:fs";
import { eventIdentity } from "../continuation/ids.js";
import { listEventsFiles } from "../continuation/events-files.js";
import { isHandoffEventType } from "../handoff/event-types.js";
import { stableJson } from "../ledger/json.js";
import { normaliseTimestamp } from "../ledger/legacy-tables.js";

/** One handoff event of the predecessor's runs tree, ready for our outbox (already projected). */
export interface LegacyEvent {
  eventId: string;
  projectId: number;
  taskId: number;
  packageId: number;
  type: string;
  worker: string;
  payloadJson: string;
  createdAt: string;
  /** `runs/<run>/events.ndjson:<line>`, for the summary. */
  where: string;
}

export interface LegacyEventsRead {
  events: LegacyEvent[];
  files: number;
  /** Lines that cannot become events, each named with its reason. */
  unmapped: { where: string; reason: string }[];
}

const RUN_ID = /^project-(\d+)\/task-(\d+)\/package-(\d+)$/;

function intOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : fallback;
}

type LineResult = { event: LegacyEvent } | { reason: string };

function readLine(runId: string, index: number, line: string, now: string): LineResult {
  const ids = RUN_ID.exec(runId);
  if (!ids) return { reason: "the run directory is not project-<p>/task-<t>/package-<w>" };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: "not valid JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { reason: "not a JSON object" };
  const e = value as Record<string, unknown>;
  const type = typeof e.type === "string" ? e.type : "";
  if (!isHandoffEventType(type)) return { reason: `unsupported event type '${type.slice(0, 60)}'` };
  const payload = e.payload !== null && typeof e.payload === "object" ? e.payload : {};
  return {
    event: {
      // The same identity the supervisor gives the line, so deliveries and events stay joined.
      eventId: eventIdentity(runId, index, e),
      projectId: intOr(e.project_id, Number(ids[1])),
      taskId: intOr(e.task_id, Number(ids[2])),
      packageId: intOr(e.work_package_id, Number(ids[3])),
      type,
      worker: typeof e.worker === "string" ? e.worker : "",
      payloadJson: stableJson(payload),
      createdAt: String(normaliseTimestamp(typeof e.created_at === "string" ? e.created_at : now)),
      where: `runs/${runId}/events.ndjson:${index}`,
    },
  };
}

/**
 * Every event line of `<dataDir>/runs/**\/events.ndjson`. Blank lines are not events; a last
 * line without its end of line is a torn write (our projector cuts it off), so it is reported,
 * not imported.
 */
export function readLegacyEvents(dataDir: string, now: string): LegacyEventsRead {
  const out: LegacyEventsRead = { events: [], files: 0, unmapped: [] };
  for (const file of listEventsFiles(dataDir)) {
    out.files += 1;
    const lines = fs.readFileSync(file.file, "utf8").split("\n");
    const torn = lines.pop() ?? "";
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const result = readLine(file.runId, i + 1, line, now);
      if ("event" in result) out.events.push(result.event);
      else out.unmapped.push({ where: `${file.key}:${i + 1}`, reason: result.reason });
    });
    if (torn.trim())
      out.unmapped.push({
        where: `${file.key}:${lines.length + 1}`,
        reason: "torn last line (no end of line)",
      });
  }
  return out;
}
