import { checkEnvNames } from "../config/child-env.js";
import { OrchestratorError } from "../domain/errors.js";

/**
 * An allowlisted test command: its argv, or its argv with the names of the variables it needs
 * beyond the shared child allowlist (e.g. `{ "argv": ["npm", "test"], "env": ["CI"] }`).
 */
export type TestCommandSpec = string[] | { argv: string[]; env?: string[] | undefined };
export type TestCommands = Record<string, TestCommandSpec>;

export interface TestCommand {
  argv: string[];
  env: string[];
}

function argvOf(spec: unknown): string[] | null {
  const argv = Array.isArray(spec) ? spec : (spec as { argv?: unknown } | null)?.argv;
  if (!Array.isArray(argv) || argv.length === 0) return null;
  if (!argv.every((a) => typeof a === "string" && a !== "") || !(argv[0] as string).trim()) return null;
  return argv as string[];
}

/** The command stored under `key`, checked; refuses a malformed entry by key and field. */
export function testCommandOf(key: string, spec: unknown): TestCommand {
  const argv = argvOf(spec);
  if (argv === null) throw new OrchestratorError(`Test command '${key}' has invalid argv`);
  const env = Array.isArray(spec) ? [] : ((spec as { env?: unknown } | null)?.env ?? []);
  if (!Array.isArray(env) || !env.every((n) => typeof n === "string")) {
    throw new OrchestratorError(
      `Test command '${key}' has invalid env: a list of variable names is required`,
    );
  }
  return { argv, env: checkEnvNames(env, `Test command '${key}' env`) };
}

export function checkTestCommands(commands: TestCommands): TestCommands {
  for (const [key, spec] of Object.entries(commands)) {
    if (!key.trim() || argvOf(spec) === null) {
      throw new OrchestratorError("Registered test commands require a non-empty key and argv");
    }
    testCommandOf(key, spec);
  }
  return commands;
}
