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
  .describe("Last event_id seen (or its 1-based position); null for the start");
const limit = z.number().int().min(1).max(200).describe("Events at most (default 20)");

const listEventsTool = defineTool({
  name: "handoff.list_events",
  title: "List a package's handoff events",
  description:
    "A package's first handoff events, as many as fit one answer. If has_more, read on with handoff.list_events_page from next_after_id.",
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
    "One page of a package's handoff events after a cursor (large payload fields shortened). Continue from next_after_id while has_more.",
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
      `Blocks until a package (work_package_id) or any package of a task (task_id) has a handoff event after your cursor, ` +
      `for at most ${Math.max(0.1, limits.toolCallLimitSeconds - limits.transportGraceSeconds)} s (under the client's tool timeout). ` +
      `Returns status event or timeout; call again with next_after_event_id. ` +
      `Worker events it returns (held) are held for you while your session lives: continuation.resolve each once handled; if your session ends first, the host supervisor resumes it for them.`,
    roles: CODEX_ONLY,
    // It records only that the events it returned are held by this server (the supervisor's bookkeeping).
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      work_package_id: packageId.optional(),
      task_id: taskId.optional(),
      after_event_count: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .nullable()
        .optional()
        .describe("Or: how many events you have seen"),
      after_event_id: cursor.optional(),
      timeout_seconds: z.number().min(1).max(600).optional().describe("Longest wait (capped)"),
    }),
    output: waitOutput,
    handler: (svc, a, call) => waitForEvent(svc, a, limits, call),
  });

const reportWorkerEventTool = (workerEventsPerMinute: number): ToolDef =>
  defineTool({
    name: "handoff.report_worker_event",
    title: "Report a worker event",
    description:
      `The claiming worker tells the controller it is blocked, needs it, or failed; wakes the controller, changes nothing. ` +
      (workerEventsPerMinute > 0
        ? `At most ${workerEventsPerMinute} a minute per package: report once per problem.`
        : "No rate limit."),
    roles: ["codex", "glm", "test_owner", "worker_junior", "worker_pro"],
    readOnly: false,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      work_package_id: packageId,
      event_type: oneOf(WORKER_REPORTABLE),
      message: z
        .string()
        .trim()
        .min(1)
        .max(EVENT_MESSAGE_MAX_CHARS)
        .describe(`What the controller must know (at most ${EVENT_MESSAGE_MAX_CHARS} characters)`),
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
