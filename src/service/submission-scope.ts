import { windowsNameProblem } from "../domain/windows-names.js";
import { checkChangedFiles, checkLinkTargets, type LandedLink } from "../domain/scope.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";
import { scopeOf } from "./hooks.js";

/**
 * The scope check of submitted evidence: every changed path and every changed symlink's
 * landing must pass each scope given — the package's own and its task's, because a package
 * scope stored before the subset proof was sound, or a forbidden rule only the task states,
 * must not let a change through. The first scope's refusals keep their plain wording; the
 * others name the record whose scope refused. Before any scope, every written path must be one a
 * Windows checkout can hold.
 */
export function submissionScopeViolation(
  evidence: {
    changed_files: readonly string[];
    written_files: readonly string[];
    changed_links: readonly LandedLink[];
  },
  scopes: readonly { owner: string; row: TaskRow | PackageRow }[],
): string | null {
  // A deleted path is left out: deleting a name Windows cannot hold is how a repository loses it.
  for (const file of evidence.written_files) {
    const problem = windowsNameProblem(file);
    if (problem !== null) return `Submission path cannot be checked out on Windows (${problem}): ${file}`;
  }
  for (const [index, { owner, row }] of scopes.entries()) {
    const { allowed, forbidden } = scopeOf(row);
    const violation =
      checkChangedFiles(evidence.changed_files, allowed, forbidden)[0] ??
      checkLinkTargets(evidence.changed_links, allowed, forbidden)[0];
    if (violation) return index === 0 ? violation.message : `${violation.message} (scope of ${owner})`;
  }
  return null;
}
