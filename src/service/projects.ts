import fs from "node:fs/promises";
import { OrchestratorError } from "../domain/errors.js";
import { confineToRoot, isWithin, resolveReal } from "../git/paths.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import type { ProjectRow } from "../ledger/rows.js";
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
  const row = ctx.db
    .prepare("SELECT * FROM projects WHERE repo_path = ? ORDER BY id LIMIT 1")
    .get(repoPath) as ProjectRow | undefined;
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
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO projects (name, repo_path, grace_path, main_branch, allowed_test_commands_json, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.name, repoPath, gracePath, input.main_branch, stableJson(commands), now, now)
        .lastInsertRowid,
    );
    ctx.db
      .prepare(
        `INSERT INTO agents (project_id, name, primary_role, capabilities_json, runtime, provider, model, reasoning_profile, availability, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'available', ?)`,
      )
      .run(
        id,
        ctx.actor.name,
        ctx.actor.primaryRole,
        stableJson([ctx.actor.primaryRole]),
        ctx.actor.runtime,
        ctx.actor.provider,
        ctx.actor.model,
        ctx.actor.reasoningProfile,
        now,
      );
    audit(ctx, "codex", "project.initialized", "project", id, { name: input.name });
    return projectView(loadProject(ctx, id));
  });
}

export function setTestCommands(ctx: ServiceContext, projectId: number, commands: TestCommands) {
  checkTestCommands(commands);
  return inTransaction(ctx.db, () => {
    loadProject(ctx, projectId);
    const role = requireRole(ctx, "codex", projectId, null);
    ctx.db
      .prepare("UPDATE projects SET allowed_test_commands_json = ?, updated_at = ? WHERE id = ?")
      .run(stableJson(commands), nowIso(ctx), projectId);
    audit(ctx, role, "project.test_commands_registered", "project", projectId, {
      command_keys: Object.keys(commands).sort(),
    });
    return projectView(loadProject(ctx, projectId));
  });
}
