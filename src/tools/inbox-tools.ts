import { z } from "zod";
import { LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import { escalateToUser } from "../service/escalation.js";
import { inboxList, inboxNext } from "../service/inbox.js";
import { ALL_ROLES, CODEX_ONLY, defineTool } from "./registry.js";
import { args, id } from "./schemas.js";

const projectFilter = id.optional().describe("Only this project's items; omit for all");

const ITEM_SHAPE =
  "An item names its task and package, title, objective, context and next_action {tool, arguments}: call that tool with those arguments to act.";

export const inboxTools = [
  defineTool({
    name: "inbox.next",
    title: "Your most urgent next action",
    description: `The most urgent thing you may do now: {status: "item", item} or {status: "empty"}. Changes nothing. ${ITEM_SHAPE}`,
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ project_id: projectFilter }),
    handler: (svc, a, call) => inboxNext(svc, a.project_id ?? null, call.naming),
  }),
  defineTool({
    name: "inbox.list",
    title: "Your pending actions",
    description: `What you may do now, most urgent first, each item as inbox.next returns it: {items, count, more}; more = true: items were left out (act on the first, or filter by project_id).`,
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      project_id: projectFilter,
      limit: z.number().int().min(1).max(50).default(20).describe("Items at most, 1-50"),
    }),
    handler: (svc, a, call) => inboxList(svc, a.project_id ?? null, a.limit, call.naming),
  }),
  defineTool({
    name: "handoff.escalate_to_user",
    title: "Escalate a package or task to the user",
    description:
      "Codex: hands one work package or task (give exactly one id) to a person: it moves to HUMAN_INTERVENTION_REQUIRED, emits CONTROLLER_ESCALATED_TO_USER and heads the user's inbox until workpackage.force_reset or task.force_transition moves it on.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      work_package_id: id.optional().describe("The package to escalate, or:"),
      task_id: id.optional().describe("The task to escalate"),
      reason: z
        .string()
        .trim()
        .min(10)
        .max(2_000)
        .describe("What the person must decide or do (10+ characters)"),
    }),
    handler: (svc, a) => escalateToUser(svc, a),
  }),
];
