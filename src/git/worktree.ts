import { lstat, mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { OrchestratorError } from "../domain/errors.js";
import { headCommit, resolveCommit } from "./commits.js";
import { isWithin, resolveReal } from "./paths.js";
import { gitText, runGit, type GitResult } from "./runner.js";

export interface AddedWorktree {
  path: string;
  head: string;
}

export interface WorktreeState {
  /** Any staged, unstaged or untracked change: uncommitted work a clean-up must keep. */
  dirty: boolean;
  head: string;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * `git worktree add --detach <dest> <commit>` run in `repoRoot`. The
 * destination must not exist and must lie outside the repository root (symlinks resolved).
 * Returns the resolved destination path and the full commit id checked out there.
 */
export async function addDetachedWorktree(
  repoRoot: string,
  dest: string,
  commit: string,
): Promise<AddedWorktree> {
  if (!path.isAbsolute(dest)) {
    throw new OrchestratorError(`Worktree destination must be an absolute path: ${dest}`);
  }
  const realRoot = await resolveReal(repoRoot);
  const realDest = await resolveReal(dest);
  if (isWithin(realRoot, realDest)) {
    throw new OrchestratorError("Worktree must be outside the registered project root");
  }
  if (await exists(dest)) {
    throw new OrchestratorError(`Worktree destination already exists: ${dest}`);
  }
  const sha = await resolveCommit(repoRoot, commit);
  await mkdir(path.dirname(realDest), { recursive: true });
  await runGit(repoRoot, ["worktree", "add", "--detach", realDest, sha], { write: true });
  return { path: realDest, head: await headCommit(realDest) };
}

/**
 * `git worktree remove` (which itself refuses a dirty tree unless `force`) then `prune`.
 * Callers decide with worktreeState first; this never forces by default.
 */
export async function removeWorktree(repoRoot: string, worktreePath: string, force = false): Promise<void> {
  if (!path.isAbsolute(worktreePath)) {
    throw new OrchestratorError(`Worktree path must be an absolute path: ${worktreePath}`);
  }
  const args = ["worktree", "remove", ...(force ? ["--force"] : []), worktreePath];
  await runGit(repoRoot, args, { write: true });
  await runGit(repoRoot, ["worktree", "prune"], { write: true });
}

/**
 * git's own administrative directory of a linked worktree, found from the repository (each
 * `worktrees/<id>/gitdir` file names the `.git` of one worktree), never from the worktree's `.git`
 * file: whoever works in the worktree can point that file at a git directory of their own, whose
 * config (`core.fsmonitor`, hooks, filters) git would run for us with our environment.
 */
async function worktreeGitDir(repoRoot: string, worktreePath: string): Promise<string> {
  const common = path.resolve(repoRoot, await gitText(repoRoot, ["rev-parse", "--git-common-dir"]));
  const admin = path.join(common, "worktrees");
  // Windows paths compare without case (git may write the drive letter in another case).
  const key = (p: string) => (process.platform === "win32" ? path.resolve(p).toLowerCase() : path.resolve(p));
  const wanted = key(path.join(worktreePath, ".git"));
  const ids = await readdir(admin).catch(() => [] as string[]);
  for (const id of ids) {
    const named = (await readFile(path.join(admin, id, "gitdir"), "utf8").catch(() => "")).trim();
    if (named !== "" && key(named) === wanted) return path.join(admin, id);
  }
  throw new OrchestratorError(`${worktreePath} is not a worktree of the repository ${repoRoot}`);
}

/** git on a linked worktree of `repoRoot`, through the repository's record of it (see worktreeGitDir). */
export async function runInWorktree(
  repoRoot: string,
  worktreePath: string,
  args: readonly string[],
): Promise<GitResult> {
  return runGit(worktreePath, args, { gitDir: await worktreeGitDir(repoRoot, worktreePath) });
}

/** Dirty flag (untracked files count) and the checked-out commit of a worktree of `repoRoot`. */
export async function worktreeState(repoRoot: string, worktreePath: string): Promise<WorktreeState> {
  if (!(await exists(worktreePath))) {
    throw new OrchestratorError(`Worktree does not exist: ${worktreePath}`);
  }
  const status = await runInWorktree(repoRoot, worktreePath, [
    "status",
    "--porcelain=v1",
    "-z",
    "--untracked-files=all",
  ]);
  const head = await runInWorktree(repoRoot, worktreePath, ["rev-parse", "--verify", "HEAD^{commit}"]);
  return { dirty: status.stdout.length > 0, head: head.stdout.toString("utf8").trim() };
}
