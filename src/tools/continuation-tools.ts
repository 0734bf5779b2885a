import { z } from "zod";
import {
  ackContinuation,
  getContinuation,
  requeueDeadLetter,
  resolveContinuation,
} from "../service/continuation.js";
import { ADMINS, defineTool, type ToolDef } from "./registry.js";
import { args, jsonArg, shortText, why } from "./schemas.js";

const key = z.string().trim().min(1).max(200);
const continuationId = key.describe("From the continuation prompt or GRACE_CONTINUATION_ID");
const keys = {
  continuation_id: continuationId,
  source_event_id: key.describe("From the prompt or GRACE_CONTINUATION_SOURCE_EVENT_ID"),
  attempt_id: z.string().max(200).describe("From the prompt or GRACE_CONTINUATION_ATTEMPT_ID"),
};

/** Continuation delivery tools, for the user and the Codex controller. */
export const continuationTools: ToolDef[] = [
  defineTool({
    name: "continuation.ack",
    title: "Acknowledge a host continuation",
    description:
      "The controller revived by the host supervisor confirms it is handling the delivery, with the three keys from its prompt (also in GRACE_CONTINUATION_ID, GRACE_CONTINUATION_SOURCE_EVENT_ID, GRACE_CONTINUATION_ATTEMPT_ID). Stops the supervisor from launching it again. Idempotent.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      ...keys,
      controller_session_id: key.optional().describe("Your own client session id, if you know it"),
    }),
    handler: (svc, a) => ackContinuation(svc, a),
  }),
  defineTool({
    name: "continuation.resolve",
    title: "Resolve a host continuation",
    description:
      "Marks an acknowledged continuation delivery as handled, with notes or a resolution object. Idempotent.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      ...keys,
      resolution_notes: shortText.optional().describe("What you did about the event"),
      resolution_data: jsonArg("resolution_data").optional().describe("Structured resolution, free-form"),
    }),
    handler: (svc, a) => resolveContinuation(svc, a),
  }),
  defineTool({
    name: "continuation.get",
    title: "Read a continuation delivery",
    description:
      "One continuation delivery row: state, attempts, leases, controller process, ACK and resolution.",
    roles: ADMINS,
    readOnly: true,
    input: args({ continuation_id: continuationId }),
    handler: (svc, a) => getContinuation(svc, a.continuation_id),
  }),
  defineTool({
    name: "continuation.requeue_dead_letter",
    title: "Requeue a dead-lettered continuation",
    description:
      "Re-arms a DEAD_LETTER delivery (attempts reset to 0, due now). The reason (at least 10 characters) is recorded.",
    roles: ADMINS,
    readOnly: false,
    input: args({ continuation_id: continuationId, reason: why }),
    handler: (svc, a) => requeueDeadLetter(svc, a.continuation_id, a.reason),
  }),
];
