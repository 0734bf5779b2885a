import { stat } from "node:fs/promises";
import path from "node:path";
import type { SimpleGit, SimpleGitOptions } from "simple-git";
import { processProgramSearch } from "../config/program-search.js";
import { OrchestratorError } from "../domain/errors.js";
import { isExecutableFile, resolveProgram, type ProgramSearch } from "../process/which.js";

/** Every git call is bounded (time and output), so a stuck or huge git never hangs a tool. */
export const GIT_TIMEOUT_MS = 120_000;

export interface GitResult {
  exitCode: number;
  /** Raw bytes: diffs and -z name lists must not pass through a lossy decode. */
  stdout: Buffer;
  stderr: string;
}

export interface GitRunOptions {
  /** Write operations (worktree add/remove/prune) are serialized per repository. */
  write?: boolean;
  /** Non-zero exit codes listed here are returned instead of thrown (e.g. `merge-base --is-ancestor`). */
  allowExitCodes?: readonly number[];
  timeoutMs?: number;
  /**
   * Stops git once its stdout passes `bytes` and throws `refusal`: output git makes from a
   * worker's content (a diff) is never read whole when it is huge.
   */
  maxStdout?: { bytes: number; refusal: string };
  /** Runs on this git directory with `dir` as the work tree, instead of the one `dir/.git` names. */
  gitDir?: string;
}

let gitSearch: ProgramSearch | null = null;
let gitBinary: string | null = null;

/** Sets where git is looked up (default: this process's PATH, read in config); forgets the cached path. */
export function configureGitSearch(search: ProgramSearch | null): void {
  gitSearch = search;
  gitBinary = null;
}

/**
 * git as an absolute path, resolved once: a bare `git` would be searched in the worktree first
 * on Windows, where a worker could have committed a git.exe. A failure is not cached.
 */
function resolveGit(shown: string): string {
  if (gitBinary) return gitBinary;
  try {
    gitBinary = resolveProgram("git", { ...(gitSearch ?? processProgramSearch()), isFile: isExecutableFile });
  } catch (error) {
    throw new OrchestratorError(`Git command failed: ${shown}: ${(error as Error).message}`);
  }
  return gitBinary;
}

const repoLocks = new Map<string, Promise<unknown>>();

/** Parallel agents contend on `.git/*.lock`; one writer per repository at a time avoids that. */
async function withRepoLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(repo);
  const previous = repoLocks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  repoLocks.set(key, tail);
  try {
    return await run;
  } finally {
    if (repoLocks.get(key) === tail) repoLocks.delete(key);
  }
}

async function assertDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch {
    // fall through to the domain error
  }
  throw new OrchestratorError(`Repository directory does not exist: ${dir}`);
}

/** Aborts the run once stdout passes the limit; `overflowed()` then says so. */
function watchStdout(git: SimpleGit, limit: number, abort: AbortController): { overflowed: () => boolean } {
  let seen = 0;
  git.outputHandler((_command, stdout) => {
    stdout.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) abort.abort();
    });
  });
  return { overflowed: () => seen > limit };
}

async function spawnGit(dir: string, args: readonly string[], opts: GitRunOptions): Promise<GitResult> {
  await assertDirectory(dir);
  const binary = resolveGit(`git ${args.join(" ")}`);
  const timeoutMs = opts.timeoutMs ?? GIT_TIMEOUT_MS;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let captured: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] } | undefined;
  let rejection: Error | undefined;
  const options: Partial<SimpleGitOptions> = {
    baseDir: dir,
    binary,
    // The path is ours (absolute, resolved above) and never goes through a shell; simple-git's
    // character check would refuse ordinary paths such as C:\Program Files\Git\cmd\git.exe.
    // --git-dir/--work-tree are refused by simple-git unless allowed; ours come from the
    // repository's own record of its worktrees, never from input.
    unsafe: { allowUnsafeCustomBinary: true, allowUnsafeConfigPaths: opts.gitDir !== undefined },
    abort: abort.signal,
    // Exit codes are interpreted below, so simple-git must not turn them into errors itself;
    // only a spawn failure (no exit code) is passed through.
    errors(error, result) {
      captured = result;
      if (error instanceof Error && !(result.exitCode > 0)) rejection = error;
      return undefined;
    },
  };
  // Read-only calls must not take optional locks (index refresh) that block concurrent writers.
  const where = opts.gitDir === undefined ? [] : ["--git-dir", opts.gitDir, "--work-tree", dir];
  const argv = opts.write ? [...where, ...args] : ["--no-optional-locks", ...where, ...args];
  let output: { overflowed: () => boolean } | undefined;
  try {
    const { simpleGit } = await import("simple-git"); // loaded on first git call, not at server start
    const git = simpleGit(options);
    if (opts.maxStdout) output = watchStdout(git, opts.maxStdout.bytes, abort);
    await git.raw(argv);
  } catch (error) {
    rejection = error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }
  const shown = `git ${args.join(" ")}`;
  if (output?.overflowed()) throw new OrchestratorError(opts.maxStdout!.refusal);
  if (abort.signal.aborted) {
    throw new OrchestratorError(`Command timed out after ${Math.round(timeoutMs / 1000)}s: ${shown}`);
  }
  if (!captured || rejection) {
    throw new OrchestratorError(`Git command failed: ${shown}: ${rejection?.message ?? "no result"}`);
  }
  const result: GitResult = {
    exitCode: captured.exitCode,
    stdout: Buffer.concat(captured.stdOut),
    stderr: Buffer.concat(captured.stdErr).toString("utf8"),
  };
  if (result.exitCode !== 0 && !(opts.allowExitCodes ?? []).includes(result.exitCode)) {
    throw new OrchestratorError(`Git command failed: ${shown}: ${result.stderr.trim()}`);
  }
  return result;
}

/**
 * Runs git with a fixed argv in `dir` (never a shell). Throws OrchestratorError with
 * `Git command failed: ...` on a non-zero exit and `Command timed out after <n>s: ...`.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  opts: GitRunOptions = {},
): Promise<GitResult> {
  if (!opts.write) return spawnGit(dir, args, opts);
  return withRepoLock(dir, () => spawnGit(dir, args, opts));
}

/** Convenience: stdout decoded as UTF-8 with trailing whitespace trimmed. */
export async function gitText(
  dir: string,
  args: readonly string[],
  opts: GitRunOptions = {},
): Promise<string> {
  return (await runGit(dir, args, opts)).stdout.toString("utf8").trimEnd();
}
