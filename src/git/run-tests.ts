import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, open, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { testCommandEnv } from "../config/child-env.js";
import { processProgramSearch } from "../config/program-search.js";
import { OrchestratorError } from "../domain/errors.js";
import { killTree, releaseTree, trackTree } from "../process/kill-tree.js";
import { CommandRefusedError, resolveCommand } from "../process/resolve-command.js";
import { isExecutableFile, type ProgramSearch } from "../process/which.js";

export interface RunTestsRequest {
  /** Allowlist key; also names the log files. */
  commandKey: string;
  /** The allowlisted argv exactly as stored for the project; never shell text. */
  argv: readonly string[];
  cwd: string;
  /** Logs go to `<dataDir>/logs`. */
  dataDir: string;
  /** Kill the whole process tree after this long (default 30 min). */
  timeoutMs?: number;
  /** Between the polite signal and SIGKILL on POSIX. */
  killGraceMs?: number;
  /** Where argv[0] is looked up (default: this process's PATH, read in config). */
  search?: ProgramSearch;
  /**
   * Variable names the command declares beyond the shared child allowlist. The command runs
   * code the worker wrote: it never sees this server's identity, data dir or provider keys.
   */
  declaredEnv?: readonly string[];
}

export interface TestRunResult {
  run_id: string;
  /** Set when a timeout's stop of the process tree failed: the tree may still be running. */
  stop_failure: string | null;
  /** null when the process ended by a signal (including our timeout kill). */
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  stdout_path: string;
  stderr_path: string;
  duration_ms: number;
}

interface RunOutcome {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Why stopping the command's process tree may have failed (null: stopped or never asked to). */
  stopFailure: string | null;
}

export const DEFAULT_TEST_TIMEOUT_MS = 30 * 60_000;
const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function validate(req: RunTestsRequest): void {
  if (!KEY_PATTERN.test(req.commandKey)) {
    throw new OrchestratorError(`Test command key '${req.commandKey}' is not a safe name`);
  }
  if (req.argv.length === 0 || req.argv.some((a) => typeof a !== "string" || a === "" || a.includes("\0"))) {
    throw new OrchestratorError(`Test command '${req.commandKey}' has invalid argv`);
  }
}

/** `<key>-<utc stamp>-<random>`: sortable, and unique so runs never overwrite each other's logs. */
function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").replace("Z", "");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}

/**
 * argv with argv[0] as an absolute path from PATH (never searched in `cwd`, the worktree, as
 * Windows would), and an npm `.cmd` shim replaced by what it runs.
 */
function commandOf(req: RunTestsRequest): string[] {
  try {
    return resolveCommand(req.argv, { ...(req.search ?? processProgramSearch()), isFile: isExecutableFile });
  } catch (error) {
    if (error instanceof CommandRefusedError) {
      throw new OrchestratorError(`Test command '${req.commandKey}' cannot be started: ${error.message}`);
    }
    throw new OrchestratorError(
      `Test command '${req.commandKey}' could not be started: ENOENT: ${(error as Error).message}`,
    );
  }
}

async function requireDirectory(cwd: string): Promise<void> {
  const cwdOk = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!cwdOk) throw new OrchestratorError(`Test working directory does not exist: ${cwd}`);
}

interface LogPair {
  runId: string;
  stdoutPath: string;
  stderrPath: string;
}

/** Fresh log names under `<dataDir>/logs`, made unique by the run id. */
async function newLogPair(req: RunTestsRequest): Promise<LogPair> {
  const logDir = path.join(req.dataDir, "logs");
  await mkdir(logDir, { recursive: true });
  const runId = newRunId();
  const base = path.join(logDir, `${req.commandKey}-${runId}`);
  return { runId, stdoutPath: `${base}.stdout.log`, stderrPath: `${base}.stderr.log` };
}

/**
 * Spawns the resolved command with its output in the open logs and waits for it to exit; on
 * timeout stops its whole process tree, politely first, then with SIGKILL after the grace.
 */
function runToExit(
  req: RunTestsRequest,
  command: string[],
  out: FileHandle,
  err: FileHandle,
): Promise<RunOutcome> {
  const [program, ...args] = command;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  return new Promise<RunOutcome>((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: req.cwd,
      env: testCommandEnv(req.declaredEnv ?? []),
      shell: false,
      stdio: ["ignore", out.fd, err.fd],
      // Own process group on POSIX so the timeout can kill grandchildren too.
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    // On Windows the tree joins a Job Object here, before the command has started anything.
    const tree = trackTree(child);
    const stopFailures: Promise<string | null>[] = [];
    const stop = (sig: NodeJS.Signals) => stopFailures.push(killTree(tree, sig));
    let timedOut = false;
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      stop("SIGTERM");
      hardKill = setTimeout(() => stop("SIGKILL"), req.killGraceMs ?? 2_000);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      releaseTree(tree);
      reject(
        new OrchestratorError(
          `Test command '${req.commandKey}' could not be started: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
        ),
      );
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      // Reap anything the command left running in its group once the leader is gone.
      if (timedOut) stop("SIGKILL");
      void Promise.all(stopFailures).then((reasons) => {
        releaseTree(tree);
        const stopFailure = reasons.find((r) => r !== null) ?? null;
        resolve({ code, signal, timedOut, stopFailure });
      });
    });
  });
}

/**
 * Runs an allowlisted argv with `shell: false` in `cwd`, stdout/stderr to a fresh log pair,
 * killing the process tree on timeout. The program is resolved from PATH first (see
 * commandOf); there is no shell, so a `.cmd`/`.bat` runs only when it is an npm shim.
 */
export async function runAllowlistedTest(req: RunTestsRequest): Promise<TestRunResult> {
  validate(req);
  await requireDirectory(req.cwd);
  const command = commandOf(req);
  const { runId, stdoutPath, stderrPath } = await newLogPair(req);
  const handles: FileHandle[] = [];
  try {
    // "wx": fail rather than overwrite if a log with this name somehow exists.
    handles.push(await open(stdoutPath, "wx"), await open(stderrPath, "wx"));
    const [out, err] = handles as [FileHandle, FileHandle];
    const started = performance.now();
    const outcome = await runToExit(req, command, out, err);
    if (outcome.stopFailure !== null) {
      // The log is what the caller reads after a run: a tree that may still be running is said there.
      await err.write(
        `\n[grace-orchestrator] the test's process tree may still be running: ${outcome.stopFailure}\n`,
      );
    }
    return {
      run_id: runId,
      stop_failure: outcome.stopFailure,
      exit_code: outcome.code,
      signal: outcome.signal,
      timed_out: outcome.timedOut,
      stdout_path: stdoutPath,
      stderr_path: stderrPath,
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}
