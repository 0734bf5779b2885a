import { afterAll, beforeAll, expect, test } from "vitest";
import { initRepo } from "../helpers/git-repo.js";
import { call, connect, tempDir, type Connected } from "../helpers/mcp-client.js";

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
