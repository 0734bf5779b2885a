import { OrchestratorError } from "../domain/errors.js";
import { FsRepoReader } from "../gates/index.js";
import { CANONICAL_ARTIFACTS } from "./canonical-artifacts.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { artifactTypesOfTask } from "../ledger/tables/grace-artifacts.js";
import { insertArtifactRevision } from "./artifacts.js";
import type { ServiceContext } from "./context.js";
import { loadProject } from "./access.js";

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
