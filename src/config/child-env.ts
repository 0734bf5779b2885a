import { OrchestratorError } from "../domain/errors.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables a child that runs untrusted code inherits from this server: Mimo workers and
 * the project's test commands (code the worker wrote). An allowlist, not a denylist: the
 * server's environment may hold any secret (provider API keys, cloud tokens, this server's
 * bound identity and data dir), and neither child is trusted with them. What passes is what a
 * program needs to run and to find its own configuration. Names match case-insensitively
 * because Windows spells them freely (`Path`, `SystemRoot`); none of these names is a
 * credential in any case.
 */
export const CHILD_ENV_NAMES: readonly string[] = [
  // Finding programs, the user's home and its configuration.
  "PATH",
  "PATHEXT",
  "HOME",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "HOMEDRIVE",
  "HOMEPATH",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_STATE_HOME",
  "XDG_CACHE_HOME",
  "XDG_RUNTIME_DIR",
  // Windows system locations a console program needs to start at all.
  "SystemRoot",
  "windir",
  "ComSpec",
  "SystemDrive",
  "ProgramData",
  "ProgramFiles",
  "ProgramFiles(x86)",
  "OS",
  "PROCESSOR_ARCHITECTURE",
  "NUMBER_OF_PROCESSORS",
  // Temporary files.
  "TEMP",
  "TMP",
  "TMPDIR",
  // Who and where: user name, shell, locale, terminal, time zone, display.
  "USER",
  "USERNAME",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "COLORTERM",
  "NO_COLOR",
  "FORCE_COLOR",
  "TZ",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  // Reaching a provider or registry from behind a corporate proxy or private CA.
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
];

/** Whole families that pass: the locale categories (LC_ALL, LC_CTYPE, …). */
export const CHILD_ENV_PREFIXES: readonly string[] = ["LC_"];

/** A variable name someone adds to the allowlist: a plain identifier, never a value. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** This server's own settings, identity and data dir never pass, whoever asks. */
const NEVER = "GRACE_ORCHESTRATOR_";
const MAX_EXTRA_NAMES = 64;

/** Checks extra names (from a setting or a test command's declaration); `source` names where they came from. */
export function checkEnvNames(names: readonly string[], source: string): string[] {
  if (names.length > MAX_EXTRA_NAMES) {
    throw new OrchestratorError(`${source}: at most ${MAX_EXTRA_NAMES} variable names, got ${names.length}`);
  }
  for (const name of names) {
    if (!ENV_NAME.test(name)) {
      throw new OrchestratorError(
        `${source}: ${JSON.stringify(name.slice(0, 80))} is not a variable name (letters, digits and '_', not starting with a digit; names only, never values)`,
      );
    }
    if (name.toUpperCase().startsWith(NEVER)) {
      throw new OrchestratorError(
        `${source}: ${name} is this server's own setting and never passes to a child`,
      );
    }
  }
  return [...names];
}

/** A comma-separated list of names (blank entries ignored), checked. */
export function parseEnvNames(text: string | undefined, source: string): string[] {
  const names = (text ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  return checkEnvNames(names, source);
}

/** Only the allowlisted variables of `env`, plus the `extra` names given; nothing is added. */
export function allowlistedEnv(env: Env, extra: readonly string[] = []): Record<string, string> {
  const names = new Set([...CHILD_ENV_NAMES, ...extra].map((n) => n.toUpperCase()));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const upper = key.toUpperCase();
    if (value === undefined || upper.startsWith(NEVER)) continue;
    if (names.has(upper) || CHILD_ENV_PREFIXES.some((p) => upper.startsWith(p))) out[key] = value;
  }
  return out;
}

/** The environment for a project's test command: this process's, allowlisted, plus what the command declares. */
export function testCommandEnv(declared: readonly string[]): Record<string, string> {
  return allowlistedEnv(process.env, declared);
}
