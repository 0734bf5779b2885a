/**
 * Start-up checks of a data dir that every bin shares. Worktrees, briefings and the ledger live
 * below the data dir, so one inside a git repository would put them into that repository's working
 * tree (and `git status`, `git clean`, a commit) — a writing bin refuses to start there.
 */
import fs from "node:fs";
import path from "node:path";

/** The nearest folder at or above `dir` holding a `.git` entry (folder or worktree file), or null. */
export function enclosingRepo(dir: string, exists: (p: string) => boolean = fs.existsSync): string | null {
  let current = path.resolve(dir);
  for (;;) {
    if (exists(path.join(current, ".git"))) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** Refusal text for a data dir inside a repository, or null when it is outside every one. */
export function repoDataDirProblem(dataDir: string): string | null {
  const repo = enclosingRepo(dataDir);
  if (repo === null) return null;
  return (
    `The data dir ${dataDir} is inside the git repository ${repo}: worktrees and the ledger would ` +
    "land in its working tree. Set GRACE_ORCHESTRATOR_DATA_DIR (or --data-dir) to a folder outside " +
    "every repository, or leave it unset for the per-user default."
  );
}

/** Refusal text for a data dir that does not exist (a typo must not look like an empty ledger). */
export function missingDataDirProblem(dataDir: string): string | null {
  if (fs.existsSync(dataDir)) return null;
  return `The data dir does not exist: ${dataDir}. Pass --data-dir or set GRACE_ORCHESTRATOR_DATA_DIR.`;
}
