import { OrchestratorError } from "../domain/errors.js";
import { latestArtifactContent } from "../ledger/tables/grace-artifacts.js";
import { loadPackage, loadProject, loadTask, requirePackageRead, requireProjectMember } from "./access.js";
import type { ServiceContext } from "./context.js";
import { packageView, projectView } from "./projections.js";

/** Read models behind the MCP resources; each applies the same read authorization as the tools. */
export function readProject(ctx: ServiceContext, projectId: number) {
  const project = loadProject(ctx, projectId);
  requireProjectMember(ctx, project.id, null);
  return projectView(project);
}

export function readPackage(ctx: ServiceContext, packageId: number) {
  const pkg = loadPackage(ctx, packageId);
  requirePackageRead(ctx, pkg, loadTask(ctx, pkg.task_id));
  return packageView(pkg);
}

/** The newest revision of an artifact type across the project's tasks. */
export function readLatestArtifact(ctx: ServiceContext, projectId: number, type: string): string {
  loadProject(ctx, projectId);
  const role = ctx.actor.primaryRole;
  if (role === "worker_junior" || role === "worker_pro") {
    throw new OrchestratorError(`Worker role ${role} is not authorized to read GRACE artifacts`);
  }
  requireProjectMember(ctx, projectId, null);
  const content = latestArtifactContent(ctx.db, projectId, type);
  if (content === undefined) {
    throw new OrchestratorError(`No ${type} artifact has been registered for project ${projectId}`);
  }
  return content;
}
