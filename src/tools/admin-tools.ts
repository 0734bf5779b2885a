import { z } from "zod";
import { forceReset, forceTransition } from "../service/admin.js";
import { ADMINS, defineTool } from "./registry.js";
import { PACKAGE_STATUSES } from "../domain/package-states.js";
import { TASK_STATUSES } from "../domain/task-states.js";
import { FORCE_ENTITY_TYPES } from "../domain/vocabulary.js";
import { args, id, oneOf, packageId, why } from "./schemas.js";

/** Every task or package status; the service checks it is one of the entity's own. */
const ANY_STATUS = [...new Set<string>([...TASK_STATUSES, ...PACKAGE_STATUSES])];
const expected = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe("Its status as you last read it; refused if it has changed since");
const allowTerminal = z.boolean().optional().describe("true to leave a terminal status (default false)");

export const adminTools = [
  defineTool({
    name: "task.force_transition",
    title: "Administrative status override",
    description:
      "User/Codex recovery: writes target_status to a task or work package directly (no transition table) when its status still equals expected_current_status. reason needs ≥ 10 characters; leaving a terminal status needs allow_terminal=true. Audited.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      entity_type: oneOf(FORCE_ENTITY_TYPES).describe("What to change: a task or a work package"),
      entity_id: id.describe("The task's or work package's id"),
      target_status: oneOf(ANY_STATUS).describe(
        "Status to write (a task status for a task, a package status for a package)",
      ),
      reason: why.describe("Why, at least 10 characters; audited"),
      expected_current_status: expected,
      allow_terminal: allowTerminal,
    }),
    handler: (svc, a) => forceTransition(svc, a),
  }),
  defineTool({
    name: "workpackage.force_reset",
    title: "Administrative package reset",
    description:
      "User/Codex recovery: resets a work package to CREATED and clears its claimer when its status still equals expected_current_status. Headless Mimo sessions are stopped and CANCELLED; TUI sessions become ABANDONED (their windows are left to the user). Submissions and reviews are kept. Terminal packages need allow_terminal=true. Audited.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      reason: why.describe("Why, at least 10 characters; audited"),
      expected_current_status: expected,
      allow_terminal: allowTerminal,
    }),
    handler: (svc, a) => forceReset(svc, a),
  }),
];
