import path from "node:path";
import type { ProgramSearch } from "../process/which.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Settings for finding programs and system tools, taken from an environment. */
export interface ProgramSearchSettings extends ProgramSearch {
  /** Absolute path of taskkill.exe (Windows), never a bare name; null elsewhere. */
  taskkillPath: string | null;
}

/** Windows environment names are case-insensitive, but a copied env object is not. */
function lookup(env: Env, key: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return env[key];
  const found = Object.keys(env).find((k) => k.toUpperCase() === key);
  return found === undefined ? undefined : env[found];
}

export function programSearchFromEnv(
  env: Env,
  platform: NodeJS.Platform = process.platform,
): ProgramSearchSettings {
  const root = lookup(env, "SYSTEMROOT", platform)?.trim() || "C:\\Windows";
  return {
    path: lookup(env, "PATH", platform),
    pathext: lookup(env, "PATHEXT", platform),
    platform,
    taskkillPath: platform === "win32" ? path.win32.join(root, "System32", "taskkill.exe") : null,
  };
}

/** This process's own search settings (the git runner's default): read here, in config. */
export function processProgramSearch(): ProgramSearchSettings {
  return programSearchFromEnv(process.env);
}
