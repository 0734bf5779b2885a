import { z } from "zod";
import { listEvents, listEventsPage, reportWorkerEvent, waitForEvent } from "../service/handoff.js";
import type { WaitLimits } from "../service/handoff.js";
import { waitOutput } from "./output-schemas.js";
import { CODEX_ONLY, STAFF, defineTool, type ToolDef } from "./registry.js";
import { EVENT_MESSAGE_MAX_CHARS, LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import { WORKER_REPORTABLE } from "../handoff/event-types.js";
import { args, oneOf, packageId, taskId } from "./schemas.js";

/** A cursor as a previous answer returned it: null (nothing seen yet) means from the start. */
const cursor = z
  .string()
  .trim()
  .max(200)
  .nullable()
  .describe("An event_id already seen (or its 1-based position); null or omitted for the start");
const limit = z.number().int().min(1).max(200).describe("At most this many events (default 20)");

const listEventsTool = defineTool({
  name: "handoff.list_events",
  title: "List a package's handoff events",
  description:
    "The first handoff events of the work package, in order (from the ledger), as many as fit one answer, with event_count. When has_more, read on with handoff.list_events_page from next_after_id.",
  roles: CODEX_ONLY,
  readOnly: true,
  answerBytes: LOOP_ANSWER_MAX_BYTES,
  input: args({ work_package_id: packageId }),
  handler: (svc, a) => listEvents(svc, a.work_package_id),
});

const listEventsPageTool = defineTool({
  name: "handoff.list_events_page",
  title: "List handoff events, one page",
  description:
    "Handoff events of a package after a cursor (an event_id, or a 1-based position; null or omitted = from the start), at most limit (1–200) and at most what fits one answer (large payload fields are shortened; the full event is in events.ndjson). Continue with next_after_id while has_more.",
  roles: STAFF,
  readOnly: true,
  answerBytes: LOOP_ANSWER_MAX_BYTES,
  input: args({
    work_package_id: packageId,
    after_event_id: cursor.optional(),
    limit: limit.optional(),
  }),
  handler: (svc, a) => listEventsPage(svc, a.work_package_id, a.after_event_id, a.limit ?? 20),
});

const waitForEventTool = (limits: WaitLimits): ToolDef =>
  defineTool({
    name: "handoff.wait_for_event",
    title: "Wait for the next handoff event",
    description:
      `Blocks until a new handoff event exists for one work package (work_package_id) or any package of a task (task_id), ` +
      `after a cursor (after_event_id, or after_event_count events already seen). Returns status "event" with the new events, ` +
      `or "timeout" with the cursor: call again with next_after_event_id (null = from the start). When more events are new than one answer holds, ` +
      `has_more is true and next_after_event_id is the last event shown: call again with it. The wait is capped at ` +
      `${Math.max(0.1, limits.toolCallLimitSeconds - limits.transportGraceSeconds)} s so it answers before the client's tool timeout.`,
    roles: CODEX_ONLY,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      work_package_id: packageId.optional().describe("Wait on this package (or give task_id)"),
      task_id: taskId.optional().describe("Wait on every package of this task"),
      after_event_count: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .nullable()
        .optional()
        .describe("Events already seen, instead of after_event_id"),
      after_event_id: cursor.optional().describe("next_after_event_id of the previous answer"),
      timeout_seconds: z.number().min(1).max(600).optional().describe("Longest wait; capped as above"),
    }),
    output: waitOutput,
    handler: (svc, a, call) => waitForEvent(svc, a, limits, call),
  });

const reportWorkerEventTool = (workerEventsPerMinute: number): ToolDef =>
  defineTool({
    name: "handoff.report_worker_event",
    title: "Report a worker event",
    description:
      `The worker that claimed the package reports WORKER_BLOCKED, WORKER_NEEDS_CONTROLLER or WORKER_FAILED with a message (at most ${EVENT_MESSAGE_MAX_CHARS} characters). It wakes the controller; it does not change the package. ` +
      (workerEventsPerMinute > 0
        ? `A package takes at most ${workerEventsPerMinute} worker events a minute; more are refused (report once per problem: the controller reads every event since its cursor).`
        : "There is no per-package rate limit on this server."),
    roles: ["codex", "glm", "test_owner", "worker_junior", "worker_pro"],
    readOnly: false,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      work_package_id: packageId,
      event_type: oneOf(WORKER_REPORTABLE).describe("What happened"),
      message: z
        .string()
        .trim()
        .min(1)
        .max(EVENT_MESSAGE_MAX_CHARS)
        .describe("What the controller must know"),
    }),
    handler: (svc, a) => reportWorkerEvent(svc, a, workerEventsPerMinute),
  });

/** The wait's bounds and the worker-event rate come from settings, so the tool list is built per server. */
export function handoffTools(limits: WaitLimits, workerEventsPerMinute: number): ToolDef[] {
  return [
    listEventsTool,
    listEventsPageTool,
    waitForEventTool(limits),
    reportWorkerEventTool(workerEventsPerMinute),
  ];
}
