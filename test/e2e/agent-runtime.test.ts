import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { initRepo } from "../helpers/git-repo.js";
import { call, connect, REPO_ROOT, resultValue, tempDir, type Connected } from "../helpers/mcp-client.js";

let codex: Connected;
let projectId: number;

beforeAll(async () => {
  codex = await connect(tempDir("runtime"), { name: "codex-1", role: "codex" });
  const project = await call<{ id: number }>(codex, "project.init", {
    name: "runtime",
    repo_path: initRepo(),
    grace_path: "docs",
    main_branch: "main",
    allowed_test_commands: {},
  });
  projectId = project.id;
});

afterAll(async () => {
  await codex.close();
});

// The runtime an agent is registered with is informational: kept as written (trimmed), never
// folded into another spelling, so a ledger reads back what the operator recorded.
test.each([
  ["mimo-cli", "mimo-cli"],
  ["  google/antigravity  ", "google/antigravity"],
  ["openai/codex", "openai/codex"],
  ["mimo_tui", "mimo_tui"],
  ["", null],
  ["   ", null],
])("agent.register keeps runtime %j as %j", async (runtime, stored) => {
  const agent = await call<{ runtime: string | null }>(codex, "agent.register", {
    project_id: projectId,
    name: "worker-rt",
    primary_role: "worker_pro",
    capabilities: ["worker_pro"],
    runtime,
  });
  expect(agent.runtime).toBe(stored);
});

// A consuming project points GRACE_MCP_HOME at the orchestrator checkout (here: a link to it, so
// the path differs from the server's own); the profile names that checkout and really starts.
test("with GRACE_MCP_HOME set, mimo.connection_profile starts the server from that checkout", async () => {
  const home = path.join(tempDir("mcp-home"), "orchestrator");
  fs.symlinkSync(REPO_ROOT, home);
  const dataDir = tempDir("mcp-home-data");
  const c = await connect(dataDir, { name: "codex-1", role: "codex" }, { GRACE_MCP_HOME: home });
  try {
    const project = await call<{ id: number }>(c, "project.init", {
      name: "home",
      repo_path: initRepo(),
      grace_path: "docs",
      main_branch: "main",
      allowed_test_commands: {},
    });
    await call(c, "agent.register", {
      project_id: project.id,
      name: "glm-1",
      primary_role: "glm",
      capabilities: ["glm"],
    });
    const profile = await call<{ command: string; args: string[]; cwd: string; env: Record<string, string> }>(
      c,
      "mimo.connection_profile",
      { project_id: project.id, agent_name: "glm-1" },
    );
    expect(profile.args).toEqual([path.join(home, "dist", "src", "cli", "server.js")]);
    expect(profile.cwd).toBe(home);
    expect(profile.env.GRACE_MCP_HOME).toBe(home);
    const transport = new StdioClientTransport({
      command: profile.command,
      args: profile.args,
      cwd: profile.cwd,
      env: { PATH: process.env.PATH ?? "", ...profile.env },
    });
    const client = new Client({ name: "profile", version: "0.0.0" });
    await client.connect(transport);
    const me = (await client.callTool({ name: "orchestrator.whoami", arguments: {} })) as CallToolResult;
    expect(resultValue(me)).toMatchObject({ actor_name: "glm-1", primary_role: "glm" });
    await client.close();
  } finally {
    await c.close();
  }
});
