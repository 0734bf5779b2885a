import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A throwaway directory (real path, so comparisons with resolved paths hold). */
export function tempDir(prefix = "grace-git-"): string {
  return realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs git directly (test setup only; the code under test goes through simple-git). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A fresh repository with a local identity and one initial commit; returns its path. */
export function initRepo(dir = tempDir()): string {
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.name", "Grace Test");
  git(dir, "config", "user.email", "grace@example.invalid");
  git(dir, "config", "commit.gpgsign", "false");
  writeFile(dir, "README.md", "hello\n");
  return dir;
}

export function writeFile(repo: string, rel: string, content: string | Buffer): void {
  const full = path.join(repo, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

/** Stages everything and commits; returns the new commit id. */
export function commitAll(repo: string, message = "change"): string {
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "--allow-empty", "-m", message);
  return git(repo, "rev-parse", "HEAD");
}
