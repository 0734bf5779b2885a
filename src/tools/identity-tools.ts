import { bindingProblem } from "../service/access.js";
import { ALL_ROLES, defineTool } from "./registry.js";
import { whoamiOutput } from "./output-schemas.js";
import { args } from "./schemas.js";

export const identityTools = [
  defineTool({
    name: "orchestrator.whoami",
    title: "Who am I",
    description:
      "Returns the identity this server process was started with (name, role, runtime), its data dir, and whether the ledger grants that role (authority_problem: null when it does, else why every other tool will refuse). The identity is declared by the environment; the authority comes from the agent registrations and delegations. Call this first in every session and stop if it is not who you expect or authority_problem is set. Every actor of one workflow must show the same data_dir, or their events never reach each other.",
    roles: ALL_ROLES,
    readOnly: true,
    withoutAuthority: true,
    input: args({}),
    output: whoamiOutput,
    handler: (svc) => {
      const problem = bindingProblem(svc);
      return {
        actor_id: svc.actor.actorId,
        actor_name: svc.actor.name,
        primary_role: svc.actor.primaryRole,
        requested_role: svc.actor.requestedRole,
        granted_role: problem === null ? svc.actor.primaryRole : null,
        runtime: svc.actor.runtime,
        provider: svc.actor.provider,
        model: svc.actor.model,
        reasoning_profile: svc.actor.reasoningProfile,
        authority_problem: problem,
        data_dir: svc.dataDir,
      };
    },
  }),
];
