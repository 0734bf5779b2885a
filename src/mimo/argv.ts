import { requireArgvValue } from "../domain/argv-values.js";
import { OrchestratorError } from "../domain/errors.js";
import { validateBackendModel } from "./backend-families.js";

export interface ArgvInput {
  /** The program and any fixed arguments before Mimo's own (node.exe and the script of an npm shim). */
  program: readonly string[];
  /** MiMoCode agent; `--agent` only when set. */
  agent: string | null;
  model: string;
  prompt: string;
}

export interface HeadlessArgvInput extends ArgvInput {
  workspace: string;
  briefing: string;
  sessionId: number;
}

/** The one-element launch prompt: the briefing path is data inside it, never parsed. */
export function launchPrompt(briefingPath: string): string {
  return (
    `Read the immutable GRACE briefing at ${briefingPath}. Use the configured GRACE orchestrator MCP server, ` +
    `call orchestrator.whoami first and confirm the bound identity named in the briefing, then follow the ` +
    `briefing exactly. Do not claim acceptance in prose: submission is not acceptance.`
  );
}

/** Normalises and classifies the model for the runner; external Codex never runs through Mimo. */
function runnable(model: string) {
  const checked = validateBackendModel(model, "user");
  requireArgvValue("mimo_model", checked.model, "Mimo launch argv");
  if (checked.family === "codex_external") {
    throw new OrchestratorError(`External Codex backend '${checked.model}' cannot be launched through Mimo`);
  }
  return checked;
}

function agentArgs(agent: string | null): string[] {
  const a = agent?.trim();
  return a ? ["--agent", requireArgvValue("mimo_agent", a, "Mimo launch argv")] : [];
}

/** TUI argv: `--trust --prompt`; the free auto backend runs without `--model`. Never skips permissions. */
export function tuiArgv(input: ArgvInput): string[] {
  const { model, family } = runnable(input.model);
  const modelArgs = family === "mimo_auto" ? [] : ["--model", model];
  return [...input.program, ...agentArgs(input.agent), ...modelArgs, "--trust", "--prompt", input.prompt];
}

export function headlessArgv(input: HeadlessArgvInput): string[] {
  const { model, family } = runnable(input.model);
  if (family === "mimo_auto") {
    throw new OrchestratorError(
      `Backend '${model}' is the free TUI backend and cannot run headless; use mode='tui'`,
    );
  }
  return [
    ...input.program,
    "run",
    ...agentArgs(input.agent),
    "--model",
    model,
    "--dir",
    input.workspace,
    "--file",
    input.briefing,
    "--title",
    `grace-package-${input.sessionId}`,
    input.prompt,
  ];
}
