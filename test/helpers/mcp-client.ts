// Imports packages only: the real-Codex suite (test/codex/*.mjs) loads this file from source.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** The checkout root, found upwards so the helper also works compiled under dist/ (benchmarks). */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "..", "..");
  }
}

export const REPO_ROOT = findRoot(import.meta.dirname);
export const SERVER_ENTRY = path.join(REPO_ROOT, "dist", "src", "cli", "server.js");

export interface Actor {
  name: string;
  role: string;
}

export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close(): Promise<void>;
}

/**
 * Starts the built server (or the one at `entry`) as a child process with the actor's identity
 * and connects the SDK client over STDIO.
 */
export async function connect(
  dataDir: string,
  actor: Actor,
  extraEnv: Record<string, string> = {},
  entry: string = SERVER_ENTRY,
): Promise<Connected> {
  if (!fs.existsSync(entry)) throw new Error(`Build first (npm run build): ${entry} is missing`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.homedir(),
      // The test run's temp folder (removed when the run ends), for the server and its children.
      TMPDIR: os.tmpdir(),
      GRACE_ORCHESTRATOR_DATA_DIR: dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: actor.name,
      GRACE_ORCHESTRATOR_ACTOR_ROLE: actor.role,
      GRACE_LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const client = new Client({ name: `test-${actor.name}`, version: "0.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => err, close: () => client.close() };
}

/** A successful tool answer's value: structuredContent when the tool declares an output schema, else its JSON text. */
export function resultValue<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.structuredContent !== undefined) return result.structuredContent as T;
  return JSON.parse(resultText(result)) as T;
}

export function resultText(result: CallToolResult): string {
  return result.content.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** Calls a tool and returns its value, throwing with the tool's message on isError. */
export async function call<T = Record<string, unknown>>(
  c: Connected,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = (await c.client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(resultText(result));
  return resultValue<T>(result);
}

/** The smallest valid `task.create_codex_task` arguments: scope `src/**`, every list empty. */
export function minimalTaskArgs(projectId: number, title = "t") {
  return {
    project_id: projectId,
    title,
    objective: "o",
    architecture_intent: "a",
    constraints: [],
    non_goals: [],
    acceptance_criteria: [],
    allowed_files: ["src/**"],
    forbidden_files: [],
  };
}

/**
 * A task with the least a task needs (one allowed pattern), for tests about something else; `tool`
 * is the creating tool's name as the server exposes it.
 */
export async function createMinimalTask(
  c: Connected,
  projectId: number,
  title = "t",
  tool = "task.create_codex_task",
): Promise<number> {
  const task = await call<{ id: number }>(c, tool, minimalTaskArgs(projectId, title));
  return task.id;
}

/** Calls a tool expecting isError; returns the message. */
export async function callError(
  c: Connected,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const result = (await c.client.callTool({ name, arguments: args })) as CallToolResult;
  if (!result.isError) throw new Error(`${name} unexpectedly succeeded: ${resultText(result)}`);
  return resultText(result);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `grace-${prefix}-`));
}
