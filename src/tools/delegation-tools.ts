import { z } from "zod";
import { delegateRole, revokeDelegation } from "../service/delegations.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { ROLES } from "../domain/roles.js";
import { agentName, args, id, oneOf, projectId, taskId, why } from "./schemas.js";

export const delegationTools = [
  defineTool({
    name: "role.delegate",
    title: "Delegate an unavailable role",
    description:
      "Codex: lets an available agent act in an unavailable owner's role (not codex) until expires_at, project-wide or for one task. Returns the delegation.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      task_id: taskId.nullable().describe("null: project-wide"),
      unavailable_role: oneOf(ROLES),
      substitute_actor: agentName,
      reason: why,
      expires_at: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .describe("ISO-8601, e.g. 2026-12-01T18:00:00Z (no zone: UTC)"),
    }),
    handler: (svc, a) => delegateRole(svc, a),
  }),
  defineTool({
    name: "role.revoke",
    title: "Revoke a delegation",
    description: "Codex: ends a delegation early (again: no change). Audited.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ delegation_id: id.describe("From role.delegate"), reason: why }),
    handler: (svc, a) => revokeDelegation(svc, a.delegation_id, a.reason),
  }),
];
