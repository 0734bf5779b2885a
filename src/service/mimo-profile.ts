import { OrchestratorError } from "../domain/errors.js";
import { findAgent } from "../ledger/rows.js";
import { buildConnectionProfile } from "../mimo/connection-profile.js";
import { installPaths } from "../mimo/install-paths.js";
import { loadProject, requireRole } from "./access.js";
import type { ServiceContext } from "./context.js";

/** Reference §8.2 (E codex): the STDIO profile that starts this server bound to one registered agent. */
export function connectionProfile(ctx: ServiceContext, projectId: number, agentName: string) {
  const project = loadProject(ctx, projectId);
  requireRole(ctx, "codex", project.id, null);
  const agent = findAgent(ctx.db, project.id, agentName);
  if (!agent) throw new OrchestratorError(`Agent '${agentName}' is not registered for this project`);
  const install = installPaths();
  return buildConnectionProfile({
    agent,
    dataDir: ctx.dataDir,
    projectRoot: project.repo_path,
    nodeExecutable: process.execPath,
    serverEntry: install.serverEntry,
    installRoot: install.root,
  });
}
