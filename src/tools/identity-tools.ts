import { ALL_ROLES, defineTool } from "./registry.js";
import { args } from "./schemas.js";

export const identityTools = [
  defineTool({
    name: "orchestrator.whoami",
    title: "Who am I",
    description:
      "Returns the identity this server process was started with (name, role, runtime) and its data dir. Authority is bound at start from the environment; call this first in every session and stop if it is not who you expect. Every actor of one workflow must show the same data_dir, or their events never reach each other.",
    roles: ALL_ROLES,
    readOnly: true,
    input: args({}),
    handler: (svc) => ({
      actor_id: svc.actor.actorId,
      actor_name: svc.actor.name,
      primary_role: svc.actor.primaryRole,
      requested_role: svc.actor.requestedRole,
      granted_role: svc.actor.primaryRole,
      runtime: svc.actor.runtime,
      provider: svc.actor.provider,
      model: svc.actor.model,
      reasoning_profile: svc.actor.reasoningProfile,
      data_dir: svc.dataDir,
    }),
  }),
];
