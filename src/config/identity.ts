import { oneOf, OrchestratorError } from "../domain/errors.js";
import { isRole, parseRuntime, ROLES, type Role, type Runtime } from "../domain/roles.js";

export interface ActorIdentity {
  actorId: string;
  name: string;
  primaryRole: Role;
  requestedRole: Role;
  runtime: Runtime | null;
  provider: string | null;
  model: string | null;
  reasoningProfile: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

function optional(env: Env, key: string): string | null {
  const value = env[key]?.trim();
  return value ? value : null;
}

/** Identity is bound once from the process environment; no tool can change it (no agent acts as another). */
export function identityFromEnv(env: Env): ActorIdentity {
  const name = optional(env, "GRACE_ORCHESTRATOR_ACTOR_NAME");
  const roleText =
    optional(env, "GRACE_ORCHESTRATOR_ACTOR_ROLE") ?? optional(env, "GRACE_ORCHESTRATOR_REQUESTED_ROLE");
  if (!name || !roleText) {
    throw new OrchestratorError(
      "ACTOR_IDENTITY_UNCONFIGURED: set GRACE_ORCHESTRATOR_ACTOR_NAME and GRACE_ORCHESTRATOR_ACTOR_ROLE " +
        "in the MCP server's environment; authority is bound at process start.",
    );
  }
  if (!isRole(roleText)) {
    throw new OrchestratorError(
      `Unknown configured actor role: '${roleText}'. ${oneOf("GRACE_ORCHESTRATOR_ACTOR_ROLE", ROLES)}.`,
    );
  }
  const runtimeText = optional(env, "GRACE_ORCHESTRATOR_RUNTIME");
  return {
    actorId: optional(env, "GRACE_ORCHESTRATOR_ACTOR_ID") ?? `actor-${name}`,
    name,
    primaryRole: roleText,
    requestedRole: roleText,
    runtime: runtimeText ? parseRuntime(runtimeText) : null,
    provider: optional(env, "GRACE_ORCHESTRATOR_PROVIDER"),
    model: optional(env, "GRACE_ORCHESTRATOR_MODEL"),
    reasoningProfile: optional(env, "GRACE_ORCHESTRATOR_REASONING_PROFILE"),
  };
}

/** An identity with only name and role, for in-process callers (benchmarks, tests, the supervisor). */
export function identityFor(name: string, role: Role): ActorIdentity {
  return {
    actorId: `actor-${name}`,
    name,
    primaryRole: role,
    requestedRole: role,
    runtime: null,
    provider: null,
    model: null,
    reasoningProfile: null,
  };
}
