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
const continuationId = key.describe("From your prompt (GRACE_CONTINUATION_ID)");
const keys = {
  continuation_id: continuationId,
  source_event_id: key.describe("From your prompt"),
  attempt_id: z.string().max(200).describe("From your prompt"),
};

/** Continuation delivery tools, for the user and the Codex controller. */
export const continuationTools: ToolDef[] = [
  defineTool({
    name: "continuation.ack",
    title: "Acknowledge a host continuation",
    description:
      "A controller woken by the host supervisor confirms it handles the delivery, so it is not launched again.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      ...keys,
      controller_session_id: key.optional().describe("Your client session id, if known"),
    }),
    handler: (svc, a) => ackContinuation(svc, a),
  }),
  defineTool({
    name: "continuation.resolve",
    title: "Resolve a host continuation",
    description: "Marks an acknowledged continuation delivery handled.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      ...keys,
      resolution_notes: shortText.optional().describe("What you did"),
      resolution_data: jsonArg("resolution_data").optional(),
    }),
    handler: (svc, a) => resolveContinuation(svc, a),
  }),
  defineTool({
    name: "continuation.get",
    title: "Read a continuation delivery",
    description: "One continuation delivery: state, attempts, leases, controller, ack and resolution.",
    roles: ADMINS,
    readOnly: true,
    input: args({ continuation_id: continuationId }),
    handler: (svc, a) => getContinuation(svc, a.continuation_id),
  }),
  defineTool({
    name: "continuation.requeue_dead_letter",
    title: "Requeue a dead-lettered continuation",
    description: "Re-arms a DEAD_LETTER delivery (attempts 0, due now).",
    roles: ADMINS,
    readOnly: false,
    input: args({ continuation_id: continuationId, reason: why.describe("10+ characters") }),
    handler: (svc, a) => requeueDeadLetter(svc, a.continuation_id, a.reason),
  }),
];
