import { OrchestratorError } from "../domain/errors.js";
import { gitText, runGit } from "./runner.js";

/** Revisions reaching git as arguments: refuse anything git could read as an option. */
function assertRevision(rev: string): void {
  if (rev.trim() === "" || rev.startsWith("-") || /[\0\s]/.test(rev)) {
    throw new OrchestratorError(`Invalid commit reference: ${JSON.stringify(rev)}`);
  }
}

/** Resolves `rev` to the full commit id; `Unknown commit: <rev>` when it names no commit. */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  assertRevision(rev);
  const result = await runGit(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], {
    allowExitCodes: [1, 128],
  });
  const id = result.stdout.toString("utf8").trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) {
    throw new OrchestratorError(`Unknown commit: ${rev}`);
  }
  return id;
}

/** `git merge-base --is-ancestor`: exit 0 yes, 1 no, anything else is an error. */
export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  assertRevision(ancestor);
  assertRevision(descendant);
  const result = await runGit(repo, ["merge-base", "--is-ancestor", ancestor, descendant], {
    allowExitCodes: [1],
  });
  return result.exitCode === 0;
}

/** The commit checked out in `dir` (a repository or worktree). */
export async function headCommit(dir: string): Promise<string> {
  return gitText(dir, ["rev-parse", "--verify", "HEAD^{commit}"]);
}
