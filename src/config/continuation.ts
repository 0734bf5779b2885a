import path from "node:path";
import { programSearchFromEnv, type ProgramSearchSettings } from "./program-search.js";
import type { ToolNaming } from "../domain/tool-names.js";
import { defaultDataDir, toolNamingFromEnv } from "./settings.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Settings of the host continuation supervisor, from its environment. */
export interface ContinuationSettings {
  dataDir: string;
  resumeCommand: string | null;
  startCommand: string | null;
  /** Seconds to wait for a launched controller's exit code; 0 = fire and forget. */
  waitSeconds: number;
  logLevel: string;
  /** The environment the launched controller inherits (controllerEnv's GRACE_* variables go on top). */
  controllerBaseEnv: Readonly<Record<string, string | undefined>>;
  /** Where the controller program (argv[0]) is looked up: PATH/PATHEXT of this environment. */
  programSearch: ProgramSearchSettings;
  /** Windows: start the controller in a console window of its own (an interactive Codex TUI). */
  controllerWindow: boolean;
  /**
   * How the controller's grace server names tools (its GRACE_ORCHESTRATOR_TOOL_NAMES, set to the
   * same value here), so the prompt names tools the controller can call.
   */
  controllerToolNames: ToolNaming;
}

const blankToNull = (value: string | undefined): string | null =>
  value && value.trim() !== "" ? value : null;

/** A float ≥ 0, default 0, anything invalid → 0 (as the predecessor read it). */
function waitSeconds(text: string | undefined): number {
  const value = Number(text?.trim() ?? "");
  return text?.trim() && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function continuationSettingsFromEnv(env: Env, dataDirFlag?: string): ContinuationSettings {
  const fromEnv = env.GRACE_ORCHESTRATOR_DATA_DIR?.trim();
  const logLevel = (env.GRACE_LOG_LEVEL?.trim() || "info").toLowerCase();
  return {
    dataDir: path.resolve(dataDirFlag?.trim() || fromEnv || defaultDataDir(env)),
    resumeCommand: blankToNull(env.GRACE_CODEX_RESUME_COMMAND),
    startCommand: blankToNull(env.GRACE_CODEX_START_COMMAND),
    waitSeconds: waitSeconds(env.GRACE_HOST_CONTINUATION_WAIT_SECONDS),
    logLevel: ["error", "warn", "info", "debug"].includes(logLevel) ? logLevel : "info",
    controllerBaseEnv: { ...env },
    programSearch: programSearchFromEnv(env),
    controllerWindow: ["1", "true", "yes"].includes(
      env.GRACE_HOST_CONTINUATION_CONTROLLER_WINDOW?.trim().toLowerCase() ?? "",
    ),
    controllerToolNames: toolNamingFromEnv(env),
  };
}
