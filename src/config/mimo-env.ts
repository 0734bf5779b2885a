import { allowlistedEnv, parseEnvNames } from "./child-env.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Names (never values) a user adds to what Mimo inherits, e.g. the variable its provider key is
 * read from: `GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH=ZAI_API_KEY,MIMO_REGION`.
 */
export const MIMO_PASSTHROUGH_SETTING = "GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH";

/** Environment for Mimo children: the shared allowlist of the server's environment, plus the configured names. */
export function mimoChildEnv(env: Env): Record<string, string> {
  return allowlistedEnv(env, parseEnvNames(env[MIMO_PASSTHROUGH_SETTING], MIMO_PASSTHROUGH_SETTING));
}
