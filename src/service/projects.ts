import fs from "node:fs/promises";
import { OrchestratorError } from "../domain/errors.js";
import { confineToRoot, isWithin, resolveReal } from "../git/paths.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { saveAgent } from "../ledger/tables/agents.js";
import {
  findProjectByRepo,
  insertProject,
  setProjectTestCommands,
  type ProjectRow,
} from "../ledger/tables/projects.js";
import { loadProject, requirePrimary, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { projectView } from "./projections.js";
import { checkTestCommands, type TestCommands } from "./test-commands.js";

export interface InitProjectInput {
  name: string;
  repo_path: string;
  grace_path: string;
  main_branch: string;
  allowed_test_commands?: TestCommands | undefined;
}

/**
 * One project per repository, so an agent retrying project.init after a timeout gets the project
 * it made instead of a second one. The same name returns it; another name is refused, naming it.
 */
function projectOfRepo(ctx: ServiceContext, repoPath: string, name: string): ProjectRow | undefined {
  const row = findProjectByRepo(ctx.db, repoPath);
  if (row && row.name !== name) {
    throw new OrchestratorError(
      `Project ${row.id} '${row.name}' already uses repo_path ${repoPath}: call project.init with name '${row.name}' to get it, or use project_id ${row.id}`,
    );
  }
  return row;
}

export async function initProject(ctx: ServiceContext, input: InitProjectInput) {
  requirePrimary(ctx, ["codex"], "Only codex may initialize a project");
  const commands = checkTestCommands(input.allowed_test_commands ?? {});
  const repoPath = await resolveReal(input.repo_path);
  const stat = await fs.stat(repoPath).catch(() => null);
  if (!stat?.isDirectory())
    throw new OrchestratorError(`Project repo_path does not exist: ${input.repo_path}`);
  const gracePath = await confineToRoot(repoPath, input.grace_path);
  const dataDir = await resolveReal(ctx.dataDir);
  if (isWithin(repoPath, dataDir)) {
    // Worktrees are created below the data dir; inside the repo they would nest in the product tree.
    throw new OrchestratorError(
      `The data dir ${ctx.dataDir} lies inside the project repo; move it outside the repo`,
    );
  }
  return inTransaction(ctx.db, () => {
    const existing = projectOfRepo(ctx, repoPath, input.name);
    if (existing) return projectView(existing);
    const now = nowIso(ctx);
    const id = insertProject(ctx.db, {
      name: input.name,
      repo_path: repoPath,
      grace_path: gracePath,
      main_branch: input.main_branch,
      allowed_test_commands_json: stableJson(commands),
      created_at: now,
      updated_at: now,
    });
    // The project is new, so this registers the controller; it cannot replace a registration.
    saveAgent(ctx.db, {
      project_id: id,
      name: ctx.actor.name,
      primary_role: ctx.actor.primaryRole,
      capabilities_json: stableJson([ctx.actor.primaryRole]),
      mimo_model: null,
      mimo_agent: null,
      runtime: ctx.actor.runtime,
      provider: ctx.actor.provider,
      model: ctx.actor.model,
      reasoning_profile: ctx.actor.reasoningProfile,
      availability: "available",
      updated_at: now,
    });
    audit(ctx, "codex", "project.initialized", "project", id, { name: input.name });
    return projectView(loadProject(ctx, id));
  });
}

export function setTestCommands(ctx: ServiceContext, projectId: number, commands: TestCommands) {
  checkTestCommands(commands);
  return inTransaction(ctx.db, () => {
    loadProject(ctx, projectId);
    const role = requireRole(ctx, "codex", projectId, null);
    setProjectTestCommands(ctx.db, {
      id: projectId,
      allowed_test_commands_json: stableJson(commands),
      updated_at: nowIso(ctx),
    });
    audit(ctx, role, "project.test_commands_registered", "project", projectId, {
      command_keys: Object.keys(commands).sort(),
    });
    return projectView(loadProject(ctx, projectId));
  });
}
