/**
 * How tool names are exposed. `dotted` keeps the canonical names (orchestrator.whoami); `underscore`
 * replaces the dot for clients that refuse dots in tool names (orchestrator_whoami).
 */
export const TOOL_NAMINGS = ["dotted", "underscore"] as const;
export type ToolNaming = (typeof TOOL_NAMINGS)[number];

/** What every exposed tool name must match in any naming (the strictest clients' rule). */
export const PORTABLE_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The name a client sees for a canonical (dotted) tool name. */
export function exposedToolName(canonical: string, naming: ToolNaming): string {
  return naming === "underscore" ? canonical.replaceAll(".", "_") : canonical;
}

/**
 * Text (instructions, prompts, briefings, refusals, descriptions) with every canonical tool name
 * written as exposed. Only whole names from `names` are replaced, so file names like events.ndjson
 * are left alone.
 */
export function exposeToolNames(text: string, naming: ToolNaming, names: readonly string[]): string {
  if (naming === "dotted") return text;
  const byName = new Map(names.map((n) => [n, exposedToolName(n, naming)]));
  return text.replace(/\b[a-z]+\.[a-z_]+\b/g, (found) => byName.get(found) ?? found);
}
