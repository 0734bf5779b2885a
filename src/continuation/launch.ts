import fs from "node:fs";
import { captureIdentity, newLaunchNonce, type ProcessIdentity } from "../process/identity.js";
import { resolveCommand } from "../process/resolve-command.js";
import { isExecutableFile, type ProgramSearch } from "../process/which.js";
import {
  CommandTemplateError,
  controllerEnv,
  renderCommand,
  type ContinuationMode,
  type TemplateValues,
} from "./command-template.js";
import type { ContinuationContext } from "./context.js";
import type { StartedOutcome } from "./deliveries.js";
import { abortGate, detachGate, releaseGate, waitForExit, type Gate } from "./launch-gate.js";
import { createPendingMark, pendingMarkPath, removePendingMark } from "./launch-pending.js";

export interface LaunchResult {
  ok: boolean;
  attempted_mode: ContinuationMode;
  argv?: string[];
  cwd?: string;
  launch_nonce?: string;
  /** The controller's pid; the delivery records the launch gate (`gate_pid`), which lives exactly as long. */
  pid?: number;
  gate_pid?: number;
  reason?: string;
  still_running?: boolean;
  exit_code?: number;
  /** Set when the durable record refused the launch (an ACK came first, or the attempt was superseded). */
  outcome?: StartedOutcome;
  /**
   * The gate got the spec but did not report in time: it may still start the controller. The
   * delivery stays CONTROLLER_STARTED with the gate as its process, and nothing else may be
   * launched for this attempt — lease recovery decides by the gate's liveness.
   */
  unconfirmed?: boolean;
}

export interface LaunchDeps {
  takeGate(): Gate;
  /** Records the gate as the delivery's controller; anything but "started" means: do not launch. */
  commit(identity: ProcessIdentity): StartedOutcome;
  /**
   * Records that the gate reported the controller started. Until then a gate found dead while its
   * supervisor is dead too cannot have launched anything, so lease recovery retries at once.
   */
  confirm(): void;
  /** Where the launches' pending marks are kept (launch-pending.ts). */
  launchesDir: string;
  /** The supervisor's own environment, which the controller inherits (from config, not process.env). */
  baseEnv: Readonly<Record<string, string | undefined>>;
  waitSeconds: number;
  reportTimeoutMs: number;
  /** Where argv[0] is looked up; a bare name is never searched in the controller's cwd. */
  programSearch: ProgramSearch;
  /** Windows: start the controller in a console window of its own (CreateProcessW). */
  controllerWindow?: boolean;
  /** Test seam for the file check of the program search. */
  isFile?: (candidate: string) => boolean;
  platform?: NodeJS.Platform;
}

function isDir(p: unknown): p is string {
  return (
    typeof p === "string" && p !== "" && fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() === true
  );
}

/**
 * cwd = the project repo, else the data dir; never the worker's worktree, which the worker wrote:
 * a Codex started there reads its AGENTS.md as instructions, and git there follows its `.git`
 * file to whatever git dir (and hooks or fsmonitor) the worker chose. The prompt names the
 * worktree by path.
 */
export function controllerCwd(ctx: ContinuationContext, dataDir: string): string {
  const repo = ctx.project?.repo_path;
  return isDir(repo) ? repo : dataDir;
}

/** What one launch starts: the mode, its command template, and the prompt it hands over. */
export interface LaunchRequest {
  mode: ContinuationMode;
  template: string;
  ctx: ContinuationContext;
  promptFile: string;
  prompt: string;
  dataDir: string;
}

function templateValues(req: LaunchRequest): TemplateValues {
  const { ctx } = req;
  return {
    prompt_file: req.promptFile,
    prompt: req.prompt,
    data_dir: req.dataDir,
    run_id: ctx.run_id,
    continuation_id: ctx.continuation_id,
    source_event_id: ctx.source_event_id,
    attempt_id: ctx.attempt_id,
    task_id: ctx.task_id,
    work_package_id: ctx.work_package_id,
    report_path: ctx.handoff_report_path,
    worktree_path: ctx.worker_worktree,
    controller_session_id: ctx.controller_session_id,
  };
}

/** The argv to start, or the failed result: a bad template or a program that cannot be found. */
function controllerArgv(
  req: LaunchRequest,
  values: TemplateValues,
  deps: LaunchDeps,
): string[] | LaunchResult {
  let argv: string[];
  try {
    argv = renderCommand(req.template, values, deps.platform);
  } catch (error) {
    if (error instanceof CommandTemplateError)
      return { ok: false, attempted_mode: req.mode, reason: error.message };
    throw error;
  }
  try {
    // Windows would look for a bare `codex` in the cwd before PATH, and
    // `codex` installed by npm is a .cmd shim, which only a shell could start.
    return resolveCommand(argv, { ...deps.programSearch, isFile: deps.isFile ?? isExecutableFile });
  } catch (error) {
    return { ok: false, attempted_mode: req.mode, argv, reason: (error as Error).message };
  }
}

/** The controller's environment: the supervisor's own, then the continuation's variables. */
function controllerEnvOf(
  req: LaunchRequest,
  values: TemplateValues,
  nonce: string,
  deps: LaunchDeps,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(deps.baseEnv)) if (value !== undefined) env[key] = value;
  return Object.assign(
    env,
    controllerEnv({ ...values, mode: req.mode, launch_nonce: nonce, attempt_count: req.ctx.attempt_count }),
  );
}

/** Waits up to waitSeconds for the controller to exit; a non-zero exit fails the launch. */
async function awaitExit(gate: Gate, result: LaunchResult, waitSeconds: number): Promise<void> {
  if (waitSeconds <= 0) return;
  const code = await waitForExit(gate, waitSeconds * 1000);
  if (code === null) {
    result.still_running = true;
    return;
  }
  result.exit_code = code;
  if (code !== 0) {
    result.ok = false;
    result.reason = `Configured command exited with ${code}`;
  }
}

/**
 * One launch in one mode: render argv without a shell, start a gate, make the launch durable,
 * then release the gate. Never throws for a bad template or a failed spawn: those are results.
 */
export async function launchController(req: LaunchRequest, deps: LaunchDeps): Promise<LaunchResult> {
  const nonce = newLaunchNonce();
  const values = templateValues(req);
  const argv = controllerArgv(req, values, deps);
  if (!Array.isArray(argv)) return argv;
  const cwd = controllerCwd(req.ctx, req.dataDir);
  const env = controllerEnvOf(req, values, nonce, deps);
  const base = { attempted_mode: req.mode, argv, cwd, launch_nonce: nonce };

  let gate: Gate;
  try {
    gate = deps.takeGate();
  } catch (error) {
    return { ok: false, ...base, reason: (error as Error).message };
  }
  const identity = await captureIdentity(gate.pid, gate.argv, nonce);
  const mark = pendingMarkPath(deps.launchesDir, nonce);
  const pending = mark !== null && createPendingMark(mark) ? { pending: mark } : {};
  let outcome: ReturnType<LaunchDeps["commit"]>;
  try {
    outcome = deps.commit(identity);
  } catch (error) {
    abortGate(gate);
    removePendingMark(mark);
    throw error;
  }
  if (outcome !== "started") {
    abortGate(gate);
    removePendingMark(mark);
    return { ok: false, ...base, gate_pid: gate.pid, outcome, reason: `launch not released: ${outcome}` };
  }
  const inConsole = (deps.platform ?? process.platform) === "win32" && deps.controllerWindow === true;
  const spec = { argv, cwd, env, console: inConsole, ...pending };
  const report = await releaseGate(gate, spec, deps.reportTimeoutMs);
  if (!report.ok) {
    detachGate(gate);
    // A gate that holds the spec but has not answered may still launch: never treat that as a
    // failure to retry (it would start a second controller). Killing the gate instead cannot be
    // proven to stop a controller that has just left its process group or tree.
    if (report.unconfirmed)
      return { ok: false, ...base, gate_pid: gate.pid, outcome, unconfirmed: true, reason: report.reason };
    removePendingMark(mark);
    return { ok: false, ...base, gate_pid: gate.pid, outcome, reason: report.reason };
  }
  deps.confirm();
  const result: LaunchResult = { ok: true, ...base, pid: report.pid, gate_pid: gate.pid, outcome };
  await awaitExit(gate, result, deps.waitSeconds);
  detachGate(gate);
  return result;
}
