import type { ToolNaming } from "../domain/tool-names.js";
/** What the server was configured with for starting Mimo (from src/config; never read from process.env here). */
export interface MimoRuntime {
  /** GRACE_ORCHESTRATOR_MIMO_COMMAND: a name looked up on PATH, or a path. */
  command: string;
  /** Environment for the Mimo child: the allowlisted part of the server's own (src/config/mimo-env.ts). */
  env: Readonly<Record<string, string>>;
  platform?: NodeJS.Platform;
  /** GRACE_MCP_HOME when set: the checkout that connection profiles start the server from. */
  mcpHome?: string | null;
  /** How the worker's server names tools, so the briefing names them as the worker sees them. */
  toolNames?: ToolNaming;
}

/** PATH as the child will see it (Windows spells the key in any case). */
export function pathOf(env: Readonly<Record<string, string>>): string {
  const key = Object.keys(env).find((k) => k.toUpperCase() === "PATH");
  return key ? (env[key] ?? "") : "";
}
