import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Logger } from "../config/logger.js";
import { exposeToolNames } from "../domain/tool-names.js";
import type { ServiceContext } from "../service/context.js";
import { allTools, type ToolSettings } from "./index.js";
import { registerPrompts } from "./prompts.js";
import { registerTools, type Naming } from "./registry.js";
import { registerResources } from "./resources.js";

export const SERVER_NAME = "grace-orchestrator-mcp";
export const SERVER_VERSION = "0.1.0";

function instructions(svc: ServiceContext, naming: Naming): string {
  const text = [
    `You are connected as '${svc.actor.name}' with role ${svc.actor.primaryRole}.`,
    "Authority is bound when this server starts, from its environment; no tool accepts a role or actor argument,",
    "and the tools listed are exactly the ones this role may use. Call orchestrator.whoami first.",
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
      capabilities: { tools: {}, resources: {}, prompts: {}, logging: {} },
      instructions: instructions(svc, naming),
    },
  );
  const tools = registerTools(server, {
    svc,
    defs,
    role: svc.actor.primaryRole,
    logger,
    naming: naming.naming,
  });
  registerResources(server, svc);
  registerPrompts(server, naming);
  return { server, tools };
}
