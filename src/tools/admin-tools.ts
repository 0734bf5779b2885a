import { z } from "zod";
import { forceReset, forceTransition } from "../service/admin.js";
import { ADMINS, defineTool } from "./registry.js";
import { args, id, name, reason } from "./schemas.js";

const status = z.string().trim().min(1).max(100);

export const adminTools = [
  defineTool({
    name: "task.force_transition",
    title: "Administrative status override",
    description:
      "User/Codex recovery: writes target_status to a task or work package directly (no transition table) when its status still equals expected_current_status. reason needs ≥ 10 characters; leaving a terminal status needs allow_terminal=true. Audited.",
    roles: ADMINS,
    readOnly: false,
    input: args({
      entity_type: name,
      entity_id: id,
      target_status: status,
      reason,
      expected_current_status: status,
      allow_terminal: z.boolean().optional(),
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
      work_package_id: id,
      reason,
      expected_current_status: status,
      allow_terminal: z.boolean().optional(),
    }),
    handler: (svc, a) => forceReset(svc, a),
  }),
];
