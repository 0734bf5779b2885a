import os from "node:os";
import path from "node:path";
import { OrchestratorError, oneOf } from "../domain/errors.js";
import { TOOL_NAMINGS, type ToolNaming } from "../domain/tool-names.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface Settings {
  dataDir: string;
  logLevel: string;
  mimoCommand: string;
  /** Client's tool-call limit (Codex default tool_timeout_sec = 60). */
  handoffWaitToolCallLimitSeconds: number;
  /** Margin kept so the wait answers before the client gives up. */
  handoffWaitTransportGraceSeconds: number;
  /** GRACE_MCP_HOME: the orchestrator checkout consuming projects point their launchers and profiles at. */
  mcpHome: string | null;
  /** Worker events one package may take a minute (handoff.report_worker_event); 0 = no limit. */
  handoffWorkerEventsPerMinute: number;
  /** GRACE_ORCHESTRATOR_TOOL_NAMES: dotted (default) or underscore, for clients that refuse dots. */
  toolNames: ToolNaming;
  /** GRACE_ORCHESTRATOR_TOOL_LIST: reachable (default) or role, which tools tools/list shows. */
  toolList: ToolList;
}

/**
 * `reachable` lists the tools the bound name's registrations and delegations let it use; `role`
 * lists every tool the bound role's server registers (the listing before a name is registered).
 */
export const TOOL_LISTS = ["reachable", "role"] as const;
export type ToolList = (typeof TOOL_LISTS)[number];

/** One worker's flood of reports must not become a flood of controller launches. */
export const DEFAULT_WORKER_EVENTS_PER_MINUTE = 10;

const LOG_LEVELS = ["error", "warn", "info", "debug"];

/** The per-user state dir: worktrees live below the data dir, so it must never default to the cwd. */
export function defaultDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") {
    const base = env.LOCALAPPDATA?.trim() || path.join(os.homedir(), "AppData", "Local");
    return path.win32.join(base, "GraceOrchestrator");
  }
  const xdg = env.XDG_STATE_HOME?.trim();
  return path.join(xdg || path.join(os.homedir(), ".local", "state"), "grace-orchestrator");
}

/** GRACE_ORCHESTRATOR_TOOL_NAMES: the server's own naming, and for the supervisor its controller's. */
export function toolNamingFromEnv(env: Env): ToolNaming {
  return choiceFromEnv(env, "GRACE_ORCHESTRATOR_TOOL_NAMES", TOOL_NAMINGS);
}

function positiveNumber(env: Env, key: string, fallback: number): number {
  const text = env[key]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new OrchestratorError(`${key} must be a non-negative number of seconds, got '${text}'`);
  }
  return value;
}

function wholeNumber(env: Env, key: string, fallback: number): number {
  const text = env[key]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OrchestratorError(`${key} must be a whole number ≥ 0 (0 = no limit), got '${text}'`);
  }
  return value;
}

/** A setting that takes one of a fixed set (case-insensitive); unset or blank → the first. */
function choiceFromEnv<T extends string>(env: Env, key: string, allowed: readonly [T, ...T[]]): T {
  const text = env[key]?.trim().toLowerCase() || allowed[0];
  if (!(allowed as readonly string[]).includes(text)) {
    throw new OrchestratorError(`${oneOf(key, allowed)}, got '${text}'`);
  }
  return text as T;
}

export function settingsFromEnv(env: Env): Settings {
  const dataDirText = env.GRACE_ORCHESTRATOR_DATA_DIR?.trim();
  const logLevel = (env.GRACE_LOG_LEVEL?.trim() || "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new OrchestratorError(`GRACE_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got '${logLevel}'`);
  }
  return {
    dataDir: path.resolve(dataDirText || defaultDataDir(env)),
    logLevel,
    mimoCommand: env.GRACE_ORCHESTRATOR_MIMO_COMMAND?.trim() || "mimo",
    handoffWaitToolCallLimitSeconds: positiveNumber(env, "GRACE_HANDOFF_WAIT_TOOL_CALL_LIMIT_SECONDS", 60),
    handoffWaitTransportGraceSeconds: positiveNumber(env, "GRACE_HANDOFF_WAIT_TRANSPORT_GRACE_SECONDS", 10),
    mcpHome: env.GRACE_MCP_HOME?.trim() ? path.resolve(env.GRACE_MCP_HOME.trim()) : null,
    handoffWorkerEventsPerMinute: wholeNumber(
      env,
      "GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE",
      DEFAULT_WORKER_EVENTS_PER_MINUTE,
    ),
    toolNames: toolNamingFromEnv(env),
    toolList: choiceFromEnv(env, "GRACE_ORCHESTRATOR_TOOL_LIST", TOOL_LISTS),
  };
}

/** Where V8 keeps compiled code between starts of the server: inside the data dir, like all state. */
export function compileCacheDir(env: Env): string | null {
  try {
    return path.join(settingsFromEnv(env).dataDir, "cache", "v8");
  } catch {
    return null; // the server itself reports the bad setting
  }
}
