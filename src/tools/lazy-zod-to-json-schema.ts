import { createRequire } from "node:module";

type Converter = typeof import("zod-to-json-schema");

/** Resolved from the SDK's own folder, as its import would be: it is the SDK's dependency, not ours. */
const load = createRequire(createRequire(import.meta.url).resolve("@modelcontextprotocol/sdk/server/mcp.js"));
let real: Converter | null = null;

/**
 * Stands in for zod-to-json-schema where the SDK imports it (see src/cli/defer-modules.ts): the
 * SDK converts only zod 3 schemas with it, so it is loaded (its CommonJS build, synchronously)
 * on the first such conversion.
 */
export function zodToJsonSchema(...args: Parameters<Converter["zodToJsonSchema"]>) {
  real ??= load("zod-to-json-schema") as Converter;
  return real.zodToJsonSchema(...args);
}
