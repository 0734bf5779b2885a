import { z } from "zod";
import { delegateRole, revokeDelegation } from "../service/delegations.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { args, id, name, reason } from "./schemas.js";

export const delegationTools = [
  defineTool({
    name: "role.delegate",
    title: "Delegate an unavailable role",
    description:
      "Lets a registered, available substitute act in a role whose owner is unavailable, until expires_at (ISO-8601; no zone means UTC). task_id null makes it project-wide; a task id limits it to that task. Codex authority cannot be delegated.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      project_id: id,
      task_id: id.nullable(),
      unavailable_role: name,
      substitute_actor: name,
      reason,
      expires_at: z.string().trim().min(1).max(64),
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
    input: args({ delegation_id: id, reason }),
    handler: (svc, a) => revokeDelegation(svc, a.delegation_id, a.reason),
  }),
];
