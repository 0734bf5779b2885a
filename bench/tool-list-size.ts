import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { call, connect, type Connected } from "../test/helpers/mcp-client.js";

/**
 * What each role's agent pays to read the tool surface: the bytes of the tools/list answer as JSON
 * and approximate tokens (bytes / 4), from the built server over STDIO. Deterministic, so one run.
 * Each role is listed three ways: as a name with no registration (the default listing: only the
 * tools its bound role reaches), as a name registered with every capability the server lets it
 * use and delegated glm (a "shared Codex" acting as GLM and worker), and with GRACE_ORCHESTRATOR_TOOL_LIST=role
 * (every tool the role's server registers).
 * `node dist/bench/tool-list-size.js underscore` measures the underscore naming mode.
 */
const ROLES = ["user", "codex", "glm", "test_owner", "worker_junior", "worker_pro"];
const naming = process.argv[2];
const namingEnv: Record<string, string> = naming ? { GRACE_ORCHESTRATOR_TOOL_NAMES: naming } : {};
const tool = (canonical: string) => (naming === "underscore" ? canonical.replaceAll(".", "_") : canonical);

async function sizeOf(c: Connected): Promise<string> {
  const listed = await c.client.listTools();
  const bytes = Buffer.byteLength(JSON.stringify(listed), "utf8");
  return `${String(listed.tools.length).padStart(3)} ${String(bytes).padStart(7)} ${String(Math.round(bytes / 4)).padStart(6)}`;
}

/** Registers `name` with every capability in a new project, through a codex server. */
async function registerFully(dataDir: string, name: string, role: string): Promise<void> {
  const codex = await connect(dataDir, { name: "bench-codex", role: "codex" }, namingEnv);
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-tool-list-repo-"));
  const project = await call<{ id: number }>(codex, tool("project.init"), {
    name: `p-${name}`,
    repo_path: repo,
    grace_path: "docs",
    main_branch: "main",
  });
  await call(codex, tool("agent.register"), {
    project_id: project.id,
    name,
    primary_role: role,
    // A junior may hold no other capability; every other role may hold them all.
    capabilities:
      role === "worker_junior" ? [role] : [...new Set([role, "glm", "worker_junior", "worker_pro"])],
  });
  // A capability other than a worker's grants nothing by itself; a live delegation does.
  if (role !== "worker_junior" && role !== "glm") {
    await call(codex, tool("role.delegate"), {
      project_id: project.id,
      task_id: null,
      unavailable_role: "glm",
      substitute_actor: name,
      reason: "bench: every role this name may hold",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
  }
  await codex.close();
  fs.rmSync(repo, { recursive: true, force: true });
}

async function row(dataDir: string, role: string): Promise<string> {
  const sizes: string[] = [];
  for (const [name, env] of [
    [`${role}-bench`, {}],
    [`${role}-bench-full`, {}],
    [`${role}-bench`, { GRACE_ORCHESTRATOR_TOOL_LIST: "role" }],
  ] as const) {
    if (name.endsWith("-full")) await registerFully(dataDir, name, role);
    const c = await connect(dataDir, { name, role }, { ...namingEnv, ...env });
    sizes.push(await sizeOf(c));
    await c.close();
  }
  return `${role.padEnd(14)} ${sizes.join("   ")}`;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "grace-bench-tool-list-"));
console.log(
  "               unregistered (default)   capabilities + glm       GRACE_ORCHESTRATOR_TOOL_LIST=role",
);
console.log("role           tools  bytes ~tokens    tools  bytes ~tokens    tools  bytes ~tokens");
for (const role of ROLES) console.log(await row(dataDir, role));
fs.rmSync(dataDir, { recursive: true, force: true });
