import { OrchestratorError } from "../domain/errors.js";
import { ARTIFACT_PATHS, FsRepoReader } from "../gates/index.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { artifactTypesOfTask } from "../ledger/tables/grace-artifacts.js";
import { insertArtifactRevision } from "./artifacts.js";
import type { ServiceContext } from "./context.js";
import { loadProject } from "./access.js";

/** The six canonical GRACE artifact types and where a GRACE 3 repo keeps them. */
export const CANONICAL_ARTIFACTS: Readonly<Record<string, string>> = {
  requirements: ARTIFACT_PATHS.requirements,
  technology: ARTIFACT_PATHS.technology,
  development_plan: ARTIFACT_PATHS.developmentPlan,
  verification_plan: ARTIFACT_PATHS.verificationPlan,
  knowledge_graph: ARTIFACT_PATHS.knowledgeGraph,
  operational_packets: ARTIFACT_PATHS.operationalPackets,
};

export const AUTO_IMPORT_AGENT = "system:auto-import";

/**
 * Requires ≥ 1 revision of each canonical type for the task; missing ones are imported from the
 * repo's docs/*.xml (read through the symlink-confined reader). Runs inside the promotion's transaction.
 */
export function importCanonicalArtifacts(
  ctx: ServiceContext,
  task: TaskRow,
  effectiveRole: string,
): Record<string, unknown> {
  const present = new Set(artifactTypesOfTask(ctx.db, task.id));
  const reader = new FsRepoReader(loadProject(ctx, task.project_id).repo_path);
  const imported: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const [type, path] of Object.entries(CANONICAL_ARTIFACTS)) {
    if (present.has(type)) continue;
    const content = reader.readText(path);
    if (content === null) {
      missing.push(type);
      continue;
    }
    const { id, revision } = insertArtifactRevision(
      ctx,
      task,
      effectiveRole,
      { type, path, content, createdBy: AUTO_IMPORT_AGENT },
      { auto_imported: true },
    );
    imported.push({ artifact_id: id, artifact_type: type, path, revision });
  }
  if (missing.length > 0) {
    throw new OrchestratorError(`Codex final review requires GRACE artifacts: ${missing.sort().join(", ")}`);
  }
  return { status: "pass", auto_imported: imported, artifact_types: Object.keys(CANONICAL_ARTIFACTS).sort() };
}
