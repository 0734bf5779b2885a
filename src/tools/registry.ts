import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Logger } from "../config/logger.js";
import { OrchestratorError } from "../domain/errors.js";
import { ANSWER_MAX_BYTES } from "../domain/limits.js";
import { osErrorMessage } from "../domain/os-errors.js";
import type { Role } from "../domain/roles.js";
import { exposeToolNames, exposedToolName, type ToolNaming } from "../domain/tool-names.js";
import type { ServiceContext } from "../service/context.js";
import { recordControllerSession } from "../service/controller-session.js";
import { clientSessionId } from "./client-session.js";
import { annotationsOf } from "./annotations.js";
import { argumentRefusal } from "./argument-refusal.js";
import { portableSchema, type JsonSchema } from "./portable-schema.js";
import type { ToolList } from "../config/settings.js";
import { isReachable, reachableRoles } from "../domain/tool-reach.js";
import { reachFactsOf, requireBinding } from "../service/access.js";

/** What a handler may use of the MCP request besides its arguments. */
export interface ToolCall {
  signal: AbortSignal;
  /** How this server exposes tool names: answers that name a tool to call name it this way. */
  naming: ToolNaming;
  /** Sends a progress notification when the caller asked for progress; no-op otherwise. */
  progress(progress: number, message: string): Promise<void>;
  /** The server's tools that tools/list does not show this name now (as exposed). */
  unlisted(): string[];
  /** The client's own session id from the call's `_meta`, or null. */
  sessionId: string | null;
}

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** Primary roles whose server exposes this tool; every handler still runs its own service check. */
  roles: readonly Role[];
  readOnly: boolean;
  /**
   * Answers even when the ledger does not grant the bound role (whoami reports that problem);
   * every other tool is refused first.
   */
  withoutAuthority?: true;
  input: S;
  /** Declared output shape; a tool with one also answers structuredContent (the SDK then requires it). */
  output?: z.ZodObject;
  /** The answer's size bound in bytes (ANSWER_MAX_BYTES unless the agent reads it in its loop). */
  answerBytes?: number;
  handler(svc: ServiceContext, args: z.infer<S>, call: ToolCall): unknown;
  /**
   * The task and package a successful call concerned, for recording the controller's session.
   * By default its `task_id` / `work_package_id` arguments; tools that create one read their result.
   */
  concerns?(args: z.infer<S>, result: unknown): Concerned;
}

export interface Concerned {
  taskId: number | null;
  packageId: number | null;
}

const int = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) ? v : null);

/** The `id` of a created record in a tool's result. */
export const createdId = (result: unknown): number | null =>
  result !== null && typeof result === "object" ? int((result as { id?: unknown }).id) : null;

function concernedBy(def: ToolDef, args: unknown, result: unknown): Concerned {
  if (def.concerns) return def.concerns(args as never, result);
  const a = (args ?? {}) as Record<string, unknown>;
  return { taskId: int(a.task_id), packageId: int(a.work_package_id) };
}

/** What the SDK is told a tool takes: any object (each tool's own schema is checked in its handler). */
const ANY_ARGUMENTS = z.looseObject({});

export function defineTool<S extends z.ZodObject>(def: ToolDef<S>): ToolDef {
  return def;
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

function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

const PAGING_HINT =
  "Read large parts in pages instead: repo.diff with offset and limit (or submission_id), " +
  "handoff.list_events_page with after_event_id and limit, audit.list_page, or a narrower request.";

export interface AnswerShape {
  tool: string;
  /** The tool declares an output schema, so the answer also carries structuredContent. */
  structured: boolean;
  maxBytes: number;
  readOnly: boolean;
}

/**
 * The tool's answer as one compact JSON text (what every client, and Codex's model, reads), plus
 * structuredContent only for tools with an output schema, so the value is not sent twice. An answer
 * over its bound becomes a refusal that says how to page, never a message the client cannot take.
 */
export function toolResult(value: unknown, shape: AnswerShape): CallToolResult {
  const body =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { result: value };
  const result: CallToolResult = { content: [{ type: "text", text: JSON.stringify(body) }] };
  if (shape.structured) result.structuredContent = body;
  const bytes = Buffer.byteLength(JSON.stringify(result), "utf8");
  if (bytes <= shape.maxBytes) return result;
  const done = shape.readOnly
    ? "Nothing was changed."
    : "The call itself completed; only its answer was withheld.";
  return failure(
    `The answer of ${shape.tool} would be ${bytes} bytes, over its bound of ${shape.maxBytes} bytes. ${done} ${PAGING_HINT}`,
  );
}

/** How this server names tools in what it says: the naming and every canonical name it may mention. */
export interface Naming {
  naming: ToolNaming;
  names: readonly string[];
}

/** A refusal's text with every tool it names written as this server exposes it. */
function refusalIn(naming: Naming, answer: CallToolResult): CallToolResult {
  if (!answer.isError || naming.naming === "dotted") return answer;
  return failure(exposeToolNames(textOf(answer), naming.naming, naming.names));
}

function textOf(answer: CallToolResult): string {
  return answer.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** Runs the handler and shapes its answer: a bounded result, a refusal, or a logged internal error. */
async function answerOf(
  def: ToolDef,
  logger: Logger,
  ledgerPath: string,
  run: () => unknown,
): Promise<CallToolResult> {
  try {
    const answer = toolResult(await run(), {
      tool: def.name,
      structured: def.output !== undefined,
      maxBytes: def.answerBytes ?? ANSWER_MAX_BYTES,
      readOnly: def.readOnly,
    });
    if (answer.isError) logger.warn("tool answer over its bound", { tool: def.name });
    return answer;
  } catch (error) {
    if (error instanceof OrchestratorError) return failure(error.message);
    const os = osErrorMessage(error, ledgerPath);
    if (os !== null) {
      logger.warn("tool failed on an OS or SQLite error", { tool: def.name, error: String(error) });
      return failure(`${def.name} failed. ${os}`);
    }
    // Unexpected failures are logged in full on stderr; the client gets no stack trace.
    logger.error("tool failed unexpectedly", {
      tool: def.name,
      error: String((error as Error)?.stack ?? error),
    });
    return failure(`Internal error in ${def.name}: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** A failure to record the session must not fail the call it rode on: it is logged instead. */
function noteSession(svc: ServiceContext, logger: Logger, sessionId: string | null, c: Concerned): void {
  if (sessionId === null || (c.taskId === null && c.packageId === null)) return;
  try {
    recordControllerSession(svc, { sessionId, ...c });
  } catch (error) {
    logger.warn("could not record the controller session", { error: String(error) });
  }
}

function jsonSchemaOf(schema: z.ZodObject, use: "input" | "output"): JsonSchema {
  return portableSchema(z.toJSONSchema(schema, { io: use, target: "draft-7" }), use);
}

/** One tool as tools/list shows it: exposed name, portable schemas, truthful annotations. */
export function listedTool(def: ToolDef, naming: Naming): Tool {
  const tool: Tool = {
    name: exposedToolName(def.name, naming.naming),
    title: def.title,
    description: def.description,
    inputSchema: jsonSchemaOf(def.input, "input") as Tool["inputSchema"],
    ...(def.output ? { outputSchema: jsonSchemaOf(def.output, "output") as Tool["outputSchema"] } : {}),
    annotations: annotationsOf(def.name, def.readOnly),
  };
  // Descriptions (the tool's and its parameters') name other tools as this server exposes them.
  return JSON.parse(exposeToolNames(JSON.stringify(tool), naming.naming, naming.names)) as Tool;
}

export interface Registration {
  svc: ServiceContext;
  logger: Logger;
  naming: ToolNaming;
  /** Every tool's canonical name: the ones a refusal may mention. */
  names: readonly string[];
  /** The role's tools/list answer: one entry for every tool registered here. */
  listing: Tool[];
  /** A tool's definition by its canonical name: a start needs none, so a call may load it first. */
  definition: (name: string) => Promise<ToolDef>;
  /** Which of the role's tools tools/list shows (reachable unless set). */
  toolList?: ToolList;
}

/** The role's tools/list answer, computed from the tool definitions. */
export function listingOf(defs: readonly ToolDef[], role: Role, naming: ToolNaming): Tool[] {
  const names: Naming = { naming, names: defs.map((d) => d.name) };
  return toolsForRole(defs, role).map((def) => listedTool(def, names));
}

/**
 * Registers every tool of the role's listing for calls and answers tools/list with that listing.
 * A call loads its tool's definition, checks the arguments against the tool's own schema (the
 * SDK is told any object, so that a refusal can name the records the call was about) and hands
 * the SDK the tool's output schema, which it checks the structured result against.
 */
export function registerTools(server: McpServer, reg: Registration): string[] {
  const { svc, logger, naming } = reg;
  const names: Naming = { naming, names: reg.names };
  const canonical = canonicalNames(reg);
  const shown = shownTools(server, reg, canonical);
  for (const listed of reg.listing) {
    const tool = listed.name;
    const registered = server.registerTool(
      tool,
      { title: listed.title, description: listed.description, inputSchema: ANY_ARGUMENTS },
      async (raw: unknown, extra) => {
        const def = await reg.definition(canonical.get(tool) ?? tool);
        // The SDK checks the structured answer against it after this handler returns; a start
        // registers the tool without it, so that no output schema is built before its first call.
        registered.outputSchema = def.output;
        const parsed = def.input.safeParse(raw);
        if (!parsed.success) {
          throw new McpError(ErrorCode.InvalidParams, argumentRefusal(tool, raw, parsed.error));
        }
        const input: unknown = parsed.data;
        const token = extra._meta?.progressToken;
        const call: ToolCall = {
          signal: extra.signal,
          naming,
          unlisted: () => shown.unlisted(),
          sessionId: clientSessionId(extra._meta),
          progress: async (progress, message) => {
            if (token === undefined) return;
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress, message },
            });
          },
        };
        return refusalIn(
          names,
          await answerOf(def, logger, svc.db.name, async () => {
            // Checked on every call, not once at start: registrations and delegations change.
            if (def.withoutAuthority !== true) requireBinding(svc, null, null);
            const result = await def.handler(svc, input as never, call);
            noteSession(svc, logger, call.sessionId, concernedBy(def, input, result));
            if (!def.readOnly) shown.recheck();
            return result;
          }),
        );
      },
    );
  }
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: shown.list() }));
  return reg.listing.map((t) => t.name);
}

/** Each exposed name of the server's tools, mapped to its canonical one. */
function canonicalNames(reg: Registration): Map<string, string> {
  return new Map(reg.names.map((name) => [exposedToolName(name, reg.naming), name]));
}

/**
 * tools/list as this name sees it: the role's listing less the tools whose service check needs a
 * role the ledger can never give this name (an agent reads every listed tool on every turn; one
 * that can only be refused is noise). Hidden tools stay registered, so the service check, not the
 * listing, is what refuses. A mutation that changes the set tells the client the list changed.
 */
function shownTools(server: McpServer, reg: Registration, canonical: ReadonlyMap<string, string>) {
  const { listing } = reg;
  let shownKey = "";
  const list = (): Tool[] => {
    if (reg.toolList === "role") return listing;
    try {
      const reach = reachableRoles(reachFactsOf(reg.svc));
      return listing.filter((t) => isReachable(canonical.get(t.name) ?? t.name, reach));
    } catch (error) {
      reg.logger.warn("could not read the ledger for tools/list; listing every tool of the role", {
        error: String(error),
      });
      return listing;
    }
  };
  const keyOf = (tools: readonly Tool[]) => tools.map((t) => t.name).join(" ");
  return {
    list(): Tool[] {
      const tools = list();
      shownKey = keyOf(tools);
      return tools;
    },
    unlisted(): string[] {
      const visible = new Set(list().map((t) => t.name));
      return listing.filter((t) => !visible.has(t.name)).map((t) => t.name);
    },
    /** After a mutation: a client that listed before hears when its list changed. */
    recheck(): void {
      if (shownKey === "") return;
      const key = keyOf(list());
      if (key === shownKey) return;
      shownKey = key;
      server.sendToolListChanged();
    },
  };
}
