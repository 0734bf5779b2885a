import fs from "node:fs";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";
import type { ToolNaming } from "../domain/tool-names.js";
import { findAgent } from "../ledger/tables/agents.js";
import { buildConnectionProfile } from "../mimo/connection-profile.js";
import { installPaths, type InstallPaths } from "../mimo/install-paths.js";
import { loadProject, requireRole } from "./access.js";
import type { ServiceContext } from "./context.js";

/**
 * The installation a profile starts: GRACE_MCP_HOME when set (a consuming project's pointer to the
 * orchestrator checkout), else this server's own. A home without a built server would give a
 * profile that cannot start, so it is refused.
 */
function profileInstall(mcpHome: string | null): InstallPaths {
  if (mcpHome === null) return installPaths();
  const serverEntry = path.join(mcpHome, "dist", "src", "cli", "server.js");
  if (!fs.existsSync(serverEntry)) {
    throw new OrchestratorError(
      `GRACE_MCP_HOME is ${mcpHome}, but ${serverEntry} does not exist: run 'npm install' and 'npm run build' there, or unset GRACE_MCP_HOME.`,
    );
  }
  return { root: mcpHome, serverEntry };
}

/** What of this server's own settings a worker's server started from the profile must share. */
export interface ProfileServer {
  /** GRACE_MCP_HOME: the checkout the profile starts the server from (null: this installation). */
  mcpHome: string | null;
  toolNames: ToolNaming;
}

/** Codex only: the STDIO profile that starts this server bound to one registered agent. */
export function connectionProfile(
  ctx: ServiceContext,
  projectId: number,
  agentName: string,
  server: ProfileServer = { mcpHome: null, toolNames: "dotted" },
) {
  const project = loadProject(ctx, projectId);
  requireRole(ctx, "codex", project.id, null);
  const agent = findAgent(ctx.db, project.id, agentName);
  if (!agent) throw new OrchestratorError(`Agent '${agentName}' is not registered in project ${project.id}`);
  const install = profileInstall(server.mcpHome);
  return buildConnectionProfile({
    agent,
    dataDir: ctx.dataDir,
    projectRoot: project.repo_path,
    nodeExecutable: process.execPath,
    serverEntry: install.serverEntry,
    installRoot: install.root,
    toolNames: server.toolNames,
  });
}
