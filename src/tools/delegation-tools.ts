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
      "Lets a registered, available substitute act in a role whose owner is unavailable, until expires_at (ISO-8601; no zone means UTC). task_id null makes it project-wide; a task id limits it to that task. Codex authority cannot be delegated.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: projectId,
      task_id: taskId.nullable().describe("Task id to limit it to that task; null for project-wide"),
      unavailable_role: oneOf(ROLES).describe("The role whose owner is unavailable"),
      substitute_actor: agentName.describe("Registered, available agent that acts in the role"),
      reason: why,
      expires_at: z
        .string()
        .trim()
        .min(1)
        .max(64)
        .describe("When it ends, ISO-8601 (e.g. 2026-12-01T18:00:00Z; no zone means UTC)"),
    }),
    handler: (svc, a) => delegateRole(svc, a),
  }),
  defineTool({
    name: "role.revoke",
    title: "Revoke a delegation",
    description:
      "Ends a delegation before it expires. Audited. Revoking an already revoked delegation changes nothing.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ delegation_id: id.describe("Delegation id, from role.delegate"), reason: why }),
    handler: (svc, a) => revokeDelegation(svc, a.delegation_id, a.reason),
  }),
];
