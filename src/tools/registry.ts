import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { Logger } from "../config/logger.js";
import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import type { ServiceContext } from "../service/context.js";

/** What a handler may use of the MCP request besides its arguments. */
export interface ToolCall {
  signal: AbortSignal;
  /** Sends a progress notification when the caller asked for progress; no-op otherwise. */
  progress(progress: number, message: string): Promise<void>;
}

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** Primary roles whose server exposes this tool; every handler still runs its own service check. */
  roles: readonly Role[];
  readOnly: boolean;
  input: S;
  handler(svc: ServiceContext, args: z.infer<S>, call: ToolCall): unknown;
}

export function defineTool<S extends z.ZodObject>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

export const ALL_ROLES: readonly Role[] = [
  "user",
  "codex",
  "glm",
  "test_owner",
  "worker_junior",
  "worker_pro",
];
export const STAFF: readonly Role[] = ["user", "codex", "glm", "test_owner"];
export const CODEX_ONLY: readonly Role[] = ["codex"];
export const ADMINS: readonly Role[] = ["user", "codex"];

export function toolsForRole(defs: readonly ToolDef[], role: Role): ToolDef[] {
  return defs.filter((d) => d.roles.includes(role));
}

function ok(value: unknown): CallToolResult {
  const structured =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { result: value };
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

export function registerTools(
  server: McpServer,
  svc: ServiceContext,
  defs: readonly ToolDef[],
  role: Role,
  logger: Logger,
): string[] {
  const registered: string[] = [];
  for (const def of toolsForRole(defs, role)) {
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: def.input,
        annotations: { readOnlyHint: def.readOnly, openWorldHint: false, destructiveHint: false },
      },
      async (input: unknown, extra) => {
        const token = extra._meta?.progressToken;
        const call: ToolCall = {
          signal: extra.signal,
          progress: async (progress, message) => {
            if (token === undefined) return;
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress, message },
            });
          },
        };
        try {
          return ok(await def.handler(svc, input as never, call));
        } catch (error) {
          if (error instanceof OrchestratorError) return failure(error.message);
          // Unexpected failures are logged in full on stderr; the client gets no stack trace.
          logger.error("tool failed unexpectedly", {
            tool: def.name,
            error: String((error as Error)?.stack ?? error),
          });
          return failure(`Internal error in ${def.name}: ${(error as Error)?.message ?? String(error)}`);
        }
      },
    );
    registered.push(def.name);
  }
  return registered;
}
