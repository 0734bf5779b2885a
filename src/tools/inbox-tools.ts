import { z } from "zod";
import { LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import { escalateToUser } from "../service/escalation.js";
import { inboxList, inboxNext } from "../service/inbox.js";
import { ALL_ROLES, CODEX_ONLY, defineTool } from "./registry.js";
import { args, id } from "./schemas.js";

const projectFilter = id
  .optional()
  .describe("Only items of this project; omit for every project you work in.");

const ITEM_SHAPE =
  "Each item: item_id (stable for a package from ASSIGNED to CLAIMED), kind, project_id, task_id, work_package_id, current_state, assigned_actor, assigned_role, title, objective, next_action {tool, arguments}, context, updated_at; at most 4096 bytes (long texts and lists in context are shortened first).";

export const inboxTools = [
  defineTool({
    name: "inbox.next",
    title: "Your most urgent next action",
    description: `Returns the single most urgent thing you may do now, read from the shared ledger: {status: "item", item} or {status: "empty", item: null}. Reading it changes nothing and starts nothing; call next_action.tool with next_action.arguments to act. Order: escalations to the user, your claimed packages, Pro repairs, reviews, final reviews, packages to claim, planning and assignment, interventions; older first. ${ITEM_SHAPE}`,
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ project_id: projectFilter }),
    handler: (svc, a) => inboxNext(svc, a.project_id ?? null),
  }),
  defineTool({
    name: "inbox.list",
    title: "Your pending actions",
    description: `Lists what you may do now, most urgent first (same order and items as inbox.next): {status: "ok", items, count, more}. An answer holds about 8 KB of items; more = true means your inbox holds items this answer does not (beyond limit or the size): act on the first ones, or filter by project_id. ${ITEM_SHAPE}`,
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({
      project_id: projectFilter,
      limit: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(20)
        .describe("How many items at most, 1 to 50 (default 20)."),
    }),
    handler: (svc, a) => inboxList(svc, a.project_id ?? null, a.limit),
  }),
  defineTool({
    name: "handoff.escalate_to_user",
    title: "Escalate a package or task to the user",
    description:
      "Codex: hands a work package (work_package_id) or a whole task (task_id) to a person, with the reason. Moves it to HUMAN_INTERVENTION_REQUIRED (an object already there stays; accepted, cancelled and closed ones are refused), writes the handoff event CONTROLLER_ESCALATED_TO_USER (for a task, on each of its live packages) and an audit row, and puts it first in the user's inbox until someone moves it on (workpackage.force_reset or task.force_transition). Give exactly one of the two ids.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      work_package_id: id.optional().describe("The package to escalate; omit when escalating a task."),
      task_id: id.optional().describe("The task to escalate; omit when escalating a package."),
      reason: z
        .string()
        .trim()
        .min(10)
        .max(2_000)
        .describe("What the person must decide or do, in at least 10 characters."),
    }),
    handler: (svc, a) => escalateToUser(svc, a),
  }),
];
