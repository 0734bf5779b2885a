/**
 * The demo's world: a temp folder with a small git repository (scaffolded for GRACE), a data dir,
 * and one built server process per actor, connected over STDIO exactly as an MCP client would.
 * Mimo and the Codex controller are the shipped stand-ins in scripts/demo/.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { scaffoldRepo } from "../scaffold/scaffold.js";
import { processProgramSearch } from "../config/program-search.js";

export type Who = "codex" | "glm" | "junior";
export type Result = Record<string, unknown>;

export const ACTORS: Record<Who, { name: string; role: string }> = {
  codex: { name: "codex-main", role: "codex" },
  glm: { name: "glm-1", role: "glm" },
  junior: { name: "junior-1", role: "worker_junior" },
};

export interface DemoPaths {
  root: string;
  repo: string;
  dataDir: string;
  records: string;
  xdg: string;
  /** The checkout: where dist/ and scripts/demo/ are. */
  install: string;
}

export interface World {
  paths: DemoPaths;
  base: string;
  call(who: Who, tool: string, args?: Record<string, unknown>): Promise<Result>;
  close(): Promise<void>;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export function demoPaths(install: string): DemoPaths {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "grace-demo-")));
  const paths = {
    root,
    repo: path.join(root, "orderdesk"),
    dataDir: path.join(root, "data"),
    records: path.join(root, "records"),
    xdg: path.join(root, "xdg"),
    install,
  };
  for (const dir of [paths.repo, paths.dataDir, paths.records, path.join(paths.xdg, "fake-mimo")])
    fs.mkdirSync(dir, { recursive: true });
  // The server hands Mimo an allowlisted environment; the fake finds its record dir in its config.
  fs.writeFileSync(
    path.join(paths.xdg, "fake-mimo", "config.json"),
    JSON.stringify({ record_dir: paths.records }),
  );
  return paths;
}

/** A repository a newcomer might have: code in src/, then the GRACE artifacts from scaffold. */
export function makeRepo(repo: string): string {
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.name", "Demo Worker");
  git(repo, "config", "user.email", "demo@example.invalid");
  git(repo, "config", "commit.gpgsign", "false");
  fs.mkdirSync(path.join(repo, "src", "orderdesk"), { recursive: true });
  fs.writeFileSync(path.join(repo, "src", "orderdesk", "store.ts"), "export const orders = new Map();\n");
  scaffoldRepo(repo);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "orderdesk with GRACE artifacts");
  return git(repo, "rev-parse", "HEAD");
}

async function connect(paths: DemoPaths, who: Who): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(paths.install, "dist", "src", "cli", "bin", "grace-orchestrator-mcp.js")],
    env: {
      PATH: processProgramSearch().path ?? "",
      HOME: os.homedir(),
      GRACE_ORCHESTRATOR_DATA_DIR: paths.dataDir,
      GRACE_ORCHESTRATOR_ACTOR_NAME: ACTORS[who].name,
      GRACE_ORCHESTRATOR_ACTOR_ROLE: ACTORS[who].role,
      GRACE_ORCHESTRATOR_MIMO_COMMAND: path.join(paths.install, "scripts", "demo", "fake-mimo.mjs"),
      GRACE_LOG_LEVEL: "warn",
      XDG_CONFIG_HOME: paths.xdg,
    },
    stderr: "ignore",
  });
  const client = new Client({ name: `demo-${who}`, version: "0.0.0" });
  await client.connect(transport);
  return client;
}

export async function makeWorld(install: string): Promise<World> {
  const paths = demoPaths(install);
  const base = makeRepo(paths.repo);
  const clients = Object.fromEntries(
    await Promise.all(
      (Object.keys(ACTORS) as Who[]).map(async (who) => [who, await connect(paths, who)] as const),
    ),
  ) as Record<Who, Client>;
  return {
    paths,
    base,
    call: async (who, tool, args = {}) => {
      const result = (await clients[who].callTool({ name: tool, arguments: args })) as CallToolResult;
      if (result.isError) {
        const text = result.content.map((p) => (p.type === "text" ? p.text : "")).join("");
        throw new Error(`${tool} (${ACTORS[who].name}) refused: ${text}`);
      }
      // A tool without an output schema answers with its JSON as text only.
      if (result.structuredContent !== undefined) return result.structuredContent;
      return JSON.parse(result.content.map((p) => (p.type === "text" ? p.text : "")).join("")) as Result;
    },
    close: async () => {
      // Every fake Mimo still waiting is told to leave.
      fs.writeFileSync(path.join(paths.records, "exit-all"), "");
      await Promise.all(Object.values(clients).map((c) => c.close()));
    },
  };
}
