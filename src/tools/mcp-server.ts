import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../config/logger.js";
import { DEFAULT_WORKER_EVENTS_PER_MINUTE } from "../config/settings.js";
import type { Role } from "../domain/roles.js";
import { exposeToolNames } from "../domain/tool-names.js";
import type { ServiceContext } from "../service/context.js";
import type { ToolSettings } from "./index.js";
import { LazyJsonSchemaValidator } from "./lazy-validator.js";
import { BUILT_LISTING_DIR, BUILT_SRC_DIR, builtListing, builtToolModules } from "./listing-cache.js";
import { registerPrompts } from "./prompts.js";
import { listingOf, registerTools, type Naming, type ToolDef } from "./registry.js";
import { registerResources } from "./resources.js";
import { lazyDefinitions } from "./tool-modules.js";

export const SERVER_NAME = "grace-orchestrator-mcp";
export const SERVER_VERSION = "0.1.0";

function instructions(svc: ServiceContext, naming: Naming): string {
  const text = [
    `You are connected as '${svc.actor.name}' with role ${svc.actor.primaryRole}.`,
    "Authority is bound when this server starts, from its environment; no tool accepts a role or actor argument,",
    "and every call is checked against the ledger. Call orchestrator.whoami first.",
  ].join(" ");
  return exposeToolNames(text, naming.naming, naming.names);
}

/** What a start needs of the tools: every canonical name, the role's listing, the definitions. */
interface ToolSource {
  names: readonly string[];
  listing: Tool[];
  definition: (name: string) => Promise<ToolDef>;
}

/**
 * The tools of this role and settings. With the listing built for them, a tool's module (its
 * schemas, handlers and the services they call) is loaded by the first call of one of its tools;
 * without it every module is loaded now, to compute the listing.
 */
async function toolSource(settings: ToolSettings, role: Role, naming: Naming["naming"]): Promise<ToolSource> {
  const listing = builtListing(BUILT_SRC_DIR, BUILT_LISTING_DIR, {
    role,
    naming,
    wait: settings.wait,
    workerEventsPerMinute: settings.workerEventsPerMinute ?? DEFAULT_WORKER_EVENTS_PER_MINUTE,
  });
  const modules = listing && builtToolModules(BUILT_LISTING_DIR);
  if (listing && modules) {
    return { names: Object.keys(modules), listing, definition: lazyDefinitions(settings, modules) };
  }
  const all = (await import("./index.js")).allTools(settings);
  const byName = new Map(all.map((d) => [d.name, d]));
  return {
    names: all.map((d) => d.name),
    listing: listingOf(all, role, naming),
    definition: (name) => Promise.resolve(byName.get(name)!),
  };
}

export async function buildMcpServer(
  svc: ServiceContext,
  settings: ToolSettings,
  logger: Logger,
): Promise<{ server: McpServer; tools: string[] }> {
  const role = svc.actor.primaryRole;
  const source = await toolSource(settings, role, settings.toolNames ?? "dotted");
  const naming: Naming = { naming: settings.toolNames ?? "dotted", names: source.names };
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { tools: { listChanged: true }, resources: {}, prompts: {}, logging: {} },
      instructions: instructions(svc, naming),
      jsonSchemaValidator: new LazyJsonSchemaValidator(),
    },
  );
  const tools = registerTools(server, {
    ...source,
    svc,
    logger,
    naming: naming.naming,
    toolList: settings.toolList ?? "reachable",
  });
  registerResources(server, svc);
  registerPrompts(server, naming);
  return { server, tools };
}
