import { z } from "zod";
import { forceReset, forceTransition } from "../service/admin.js";
import { ADMINS, defineTool } from "./registry.js";
import { PACKAGE_STATUSES } from "../domain/package-states.js";
import { TASK_STATUSES } from "../domain/task-states.js";
import { FORCE_ENTITY_TYPES } from "../domain/vocabulary.js";
import { args, id, oneOf, packageId, why } from "./schemas.js";

/** Every task or package status; the service checks it is one of the entity's own. */
const ANY_STATUS = [...new Set<string>([...TASK_STATUSES, ...PACKAGE_STATUSES])];
const expected = z.string().trim().min(1).max(100).describe("Its status as you read it; refused if changed");
const allowTerminal = z.boolean().optional().describe("Needed to leave a terminal status");

export const adminTools = [
  defineTool({
    name: "task.force_transition",
    title: "Administrative status override",
    description: "Recovery: writes any status to a task or package, bypassing the state machine. Audited.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      entity_type: oneOf(FORCE_ENTITY_TYPES),
      entity_id: id,
      target_status: oneOf(ANY_STATUS).describe("One of the entity's own statuses"),
      reason: why.describe("10+ characters"),
      expected_current_status: expected,
      allow_terminal: allowTerminal,
    }),
    handler: (svc, a) => forceTransition(svc, a),
  }),
  defineTool({
    name: "workpackage.force_reset",
    title: "Administrative package reset",
    description:
      "Recovery: resets a package to CREATED with no claimer; stops its headless sessions, abandons TUI ones; keeps submissions and reviews. Audited.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      reason: why.describe("10+ characters"),
      expected_current_status: expected,
      allow_terminal: allowTerminal,
    }),
    handler: (svc, a) => forceReset(svc, a),
  }),
];
