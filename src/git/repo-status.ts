import { runGit } from "./runner.js";

export interface RepoStatus {
  /** The `## ` header without its prefix, e.g. `main...origin/main [ahead 1]`. */
  branch: string;
  /** Remaining porcelain v1 lines, e.g. ` M src/a.ts`, `?? new.txt`. */
  changes: string[];
}

/** `git status --porcelain=v1 --branch`. */
export async function repoStatus(dir: string): Promise<RepoStatus> {
  const out = (await runGit(dir, ["status", "--porcelain=v1", "--branch"])).stdout.toString("utf8");
  const lines = out.split("\n").filter((line) => line !== "");
  const first = lines[0] ?? "";
  return {
    branch: first.startsWith("## ") ? first.slice(3) : "",
    changes: first.startsWith("## ") ? lines.slice(1) : lines,
  };
}
