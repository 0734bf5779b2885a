import { bindingProblem } from "../service/access.js";
import { ALL_ROLES, defineTool } from "./registry.js";
import { whoamiOutput } from "./output-schemas.js";
import { args } from "./schemas.js";

export const identityTools = [
  defineTool({
    name: "orchestrator.whoami",
    title: "Who am I",
    description:
      "Call first in every session. Returns the identity this server was started with, its data_dir and authority_problem (why every other tool will refuse; null if none). Stop if it is not you or authority_problem is set. All actors of one workflow must show the same data_dir, or their events never meet. tools_not_listed: tools your name cannot use yet (GLM's need a glm delegation, role.delegate; a worker's a worker capability, agent.register); once given, a new session lists them.",
    roles: ALL_ROLES,
    readOnly: true,
    withoutAuthority: true,
    input: args({}),
    output: whoamiOutput,
    handler: (svc, _args, call) => {
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
        tools_not_listed: call.unlisted(),
      };
    },
  }),
];
