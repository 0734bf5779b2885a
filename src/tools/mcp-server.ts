import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Logger } from "../config/logger.js";
import { DEFAULT_WORKER_EVENTS_PER_MINUTE } from "../config/settings.js";
import { exposeToolNames } from "../domain/tool-names.js";
import type { ServiceContext } from "../service/context.js";
import { allTools, type ToolSettings } from "./index.js";
import { LazyJsonSchemaValidator } from "./lazy-validator.js";
import { BUILT_LISTING_DIR, BUILT_SRC_DIR, builtListing } from "./listing-cache.js";
import { registerPrompts } from "./prompts.js";
import { registerTools, type Naming } from "./registry.js";
import { registerResources } from "./resources.js";

export const SERVER_NAME = "grace-orchestrator-mcp";
export const SERVER_VERSION = "0.1.0";

function instructions(svc: ServiceContext, naming: Naming): string {
  const text = [
    `You are connected as '${svc.actor.name}' with role ${svc.actor.primaryRole}.`,
    "Authority is bound when this server starts, from its environment; no tool accepts a role or actor argument,",
    "and the tools listed are the ones this name's registrations and delegations let it use. Call orchestrator.whoami first.",
  ].join(" ");
  return exposeToolNames(text, naming.naming, naming.names);
}

export function buildMcpServer(
  svc: ServiceContext,
  settings: ToolSettings,
  logger: Logger,
): { server: McpServer; tools: string[] } {
  const defs = allTools(settings);
  const naming: Naming = { naming: settings.toolNames ?? "dotted", names: defs.map((d) => d.name) };
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { tools: { listChanged: true }, resources: {}, prompts: {}, logging: {} },
      instructions: instructions(svc, naming),
      jsonSchemaValidator: new LazyJsonSchemaValidator(),
    },
  );
  const role = svc.actor.primaryRole;
  const listing = builtListing(BUILT_SRC_DIR, BUILT_LISTING_DIR, {
    role,
    naming: naming.naming,
    wait: settings.wait,
    workerEventsPerMinute: settings.workerEventsPerMinute ?? DEFAULT_WORKER_EVENTS_PER_MINUTE,
  });
  const tools = registerTools(server, {
    svc,
    defs,
    role,
    logger,
    naming: naming.naming,
    listing,
    toolList: settings.toolList ?? "reachable",
  });
  registerResources(server, svc);
  registerPrompts(server, naming);
  return { server, tools };
}
