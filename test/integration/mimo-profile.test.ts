import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { stringContaining } from "../helpers/matchers.js";
import { installPaths } from "../../src/mimo/install-paths.js";
import { connectionProfile } from "../../src/service/mimo-profile.js";
import { registerAgent } from "../../src/service/agents.js";
import { addAgent, makeWorld, type World } from "../helpers/fake-mimo-world.js";
import { REPO_ROOT, SERVER_ENTRY } from "../helpers/mcp-client.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

async function world() {
  const w = await makeWorld();
  worlds.push(w);
  return w;
}

describe("mimo.connection_profile", () => {
  test("the installation's node + built entry, its root as cwd, identity and data dir in env", async () => {
    const w = await world();
    registerAgent(w.codex, {
      project_id: w.projectId,
      name: "mimo-2.5",
      primary_role: "worker_junior",
      capabilities: ["worker_junior"],
      mimo_model: "xiaomi/mimo-v2.5",
      runtime: "mimo",
      provider: "xiaomi",
      model: "mimo-v2.5",
    });
    expect(installPaths()).toEqual({ root: REPO_ROOT, serverEntry: SERVER_ENTRY });
    const p = connectionProfile(w.codex, w.projectId, "mimo-2.5");
    expect(p).toEqual({
      name: "grace-orchestrator-mimo-2.5",
      transport: "stdio",
      command: process.execPath,
      args: [SERVER_ENTRY],
      cwd: REPO_ROOT,
      env: {
        GRACE_ORCHESTRATOR_ACTOR_NAME: "mimo-2.5",
        GRACE_ORCHESTRATOR_ACTOR_ROLE: "worker_junior",
        GRACE_ORCHESTRATOR_DATA_DIR: w.dataDir,
        GRACE_MCP_HOME: REPO_ROOT,
        // As registered: the server parses it into its runtime when the profile starts it.
        GRACE_ORCHESTRATOR_RUNTIME: "mimo",
        GRACE_ORCHESTRATOR_PROVIDER: "xiaomi",
        GRACE_ORCHESTRATOR_MODEL: "mimo-v2.5",
      },
      note: stringContaining("Launch with MiMoCode agent 'build'"),
      mimo_agent: "build",
      mimo_model: "xiaomi/mimo-v2.5",
      backend_family: "mimo",
      project_root: w.repo,
    });
    expect(JSON.stringify(p)).not.toMatch(/KEY|TOKEN|SECRET|PASSWORD/i);
  });

  test("GRACE_MCP_HOME: the profile starts the checkout it names, and refuses one without a built server", async () => {
    const w = await world();
    addAgent(w, "free", "worker_junior", { mimo_model: "mimo-auto-junior" });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "grace-mcp-home-"));
    try {
      const missing = path.join(home, "dist", "src", "cli", "server.js");
      expect(() =>
        connectionProfile(w.codex, w.projectId, "free", { mcpHome: home, toolNames: "dotted" }),
      ).toThrow(
        `GRACE_MCP_HOME is ${home}, but ${missing} does not exist: run 'npm install' and 'npm run build' there, or unset GRACE_MCP_HOME.`,
      );
      fs.mkdirSync(path.dirname(missing), { recursive: true });
      fs.writeFileSync(missing, "");
      expect(
        connectionProfile(w.codex, w.projectId, "free", { mcpHome: home, toolNames: "dotted" }),
      ).toMatchObject({
        args: [missing],
        cwd: home,
        env: { GRACE_MCP_HOME: home },
      });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test("a server naming tools with underscores gives the worker's server the same naming as its briefing", async () => {
    const w = await world();
    addAgent(w, "free", "worker_junior", { mimo_model: "mimo-auto-junior" });
    const underscore = connectionProfile(w.codex, w.projectId, "free", {
      mcpHome: null,
      toolNames: "underscore",
    });
    expect(underscore.env.GRACE_ORCHESTRATOR_TOOL_NAMES).toBe("underscore");
    const dotted = connectionProfile(w.codex, w.projectId, "free", { mcpHome: null, toolNames: "dotted" });
    expect(dotted.env).not.toHaveProperty("GRACE_ORCHESTRATOR_TOOL_NAMES");
  });

  test("free auto: without --model; Z.ai worker keeps its model", async () => {
    const w = await world();
    addAgent(w, "free", "worker_junior", { mimo_model: "mimo-auto-junior", mimo_agent: "build-junior" });
    addAgent(w, "zai", "worker_junior", { mimo_model: "zai/glm-4.7-flash" });
    const free = connectionProfile(w.codex, w.projectId, "free");
    expect(free).toMatchObject({
      mimo_agent: "build-junior",
      mimo_model: "mimo-auto-junior",
      backend_family: "mimo_auto",
    });
    expect(free.env.GRACE_ORCHESTRATOR_ACTOR_NAME).toBe("free");
    expect(free.note).toContain("without --model");
    expect(connectionProfile(w.codex, w.projectId, "zai")).toMatchObject({
      backend_family: "glm_worker",
      mimo_model: "zai/glm-4.7-flash",
    });
  });

  test("external Codex: transport external_codex and MiMo launch is forbidden", async () => {
    const w = await world();
    addAgent(w, "luna", "worker_junior", { mimo_model: "openai/codex-luna" });
    addAgent(w, "terra", "worker_pro", { mimo_model: "openai/codex-terra" });
    for (const name of ["luna", "terra"]) {
      const p = connectionProfile(w.codex, w.projectId, name);
      expect(p.transport).toBe("external_codex");
      expect(p.backend_family).toBe("codex_external");
      expect(p.note).toContain("MiMo launch is forbidden");
    }
  });

  test("only codex; unknown agents are named", async () => {
    const w = await world();
    expect(() => connectionProfile(w.glm, w.projectId, "glm-1")).toThrow(/not authorized|requires/);
    expect(() => connectionProfile(w.codex, w.projectId, "nobody")).toThrow(
      `Agent 'nobody' is not registered in project ${w.projectId}`,
    );
  });
});
