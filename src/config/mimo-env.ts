type Env = Readonly<Record<string, string | undefined>>;

/** This server's bound identity must not leak into a worker's Mimo process; its MCP profile sets its own. */
const IDENTITY_KEYS = [
  "GRACE_ORCHESTRATOR_ACTOR_NAME",
  "GRACE_ORCHESTRATOR_ACTOR_ROLE",
  "GRACE_ORCHESTRATOR_REQUESTED_ROLE",
  "GRACE_ORCHESTRATOR_ACTOR_ID",
  "GRACE_ORCHESTRATOR_RUNTIME",
  "GRACE_ORCHESTRATOR_PROVIDER",
  "GRACE_ORCHESTRATOR_MODEL",
  "GRACE_ORCHESTRATOR_REASONING_PROFILE",
];

/** Environment for Mimo children: the server's environment minus its identity. Nothing is added. */
export function mimoChildEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !IDENTITY_KEYS.includes(key.toUpperCase())) out[key] = value;
  }
  return out;
}
