import {
  backendFamily,
  DEFAULT_MIMO_AGENT,
  validateBackendModel,
  type BackendFamily,
} from "./backend-families.js";
import type { Role } from "../domain/roles.js";
import type { ToolNaming } from "../domain/tool-names.js";
import type { AgentRow } from "../ledger/tables/agents.js";

/** What a connection profile reads of an agent's registration. */
export type ProfileAgent = Pick<
  AgentRow,
  | "name"
  | "primary_role"
  | "mimo_model"
  | "mimo_agent"
  | "runtime"
  | "provider"
  | "model"
  | "reasoning_profile"
>;

export interface ProfileInput {
  agent: ProfileAgent;
  dataDir: string;
  projectRoot: string;
  /** The runtime that runs this server (process.execPath) and the built entry it runs. */
  nodeExecutable: string;
  serverEntry: string;
  installRoot: string;
  /** How this server names tools; the worker's server must name them the same as its briefing. */
  toolNames: ToolNaming;
}

function modelNote(model: string, family: BackendFamily | ""): string {
  if (family === "mimo_auto") {
    return "Backend: the free MiMo Auto backend; Mimo starts it without --model.";
  }
  if (family === "codex_external") {
    return `Backend: external Codex '${model}'. Open a dedicated Codex session with this profile; MiMo launch is forbidden for this agent.`;
  }
  if (!model)
    return "Backend: no Mimo model is registered for this agent; register mimo_model before a Mimo launch.";
  return `Backend: the provider/model backend must stay '${model}'; do not switch models inside Mimo.`;
}

/**
 * One copyable STDIO MCP profile per agent, because identity is bound at server
 * start. The env carries only identity and the data dir: never credentials.
 */
export function buildConnectionProfile(input: ProfileInput) {
  const a = input.agent;
  const model = a.mimo_model?.trim() ? validateBackendModel(a.mimo_model, a.primary_role as Role).model : "";
  const family: BackendFamily | "" = model ? backendFamily(model) : "";
  const mimoAgent = a.mimo_agent?.trim() || DEFAULT_MIMO_AGENT;
  const env: Record<string, string> = {
    GRACE_ORCHESTRATOR_ACTOR_NAME: a.name,
    GRACE_ORCHESTRATOR_ACTOR_ROLE: a.primary_role,
    GRACE_ORCHESTRATOR_DATA_DIR: input.dataDir,
    // Launchers and profiles of consuming projects find the orchestrator checkout through it.
    GRACE_MCP_HOME: input.installRoot,
  };
  if (input.toolNames !== "dotted") env.GRACE_ORCHESTRATOR_TOOL_NAMES = input.toolNames;
  if (a.runtime) env.GRACE_ORCHESTRATOR_RUNTIME = a.runtime;
  if (a.provider) env.GRACE_ORCHESTRATOR_PROVIDER = a.provider;
  if (a.model) env.GRACE_ORCHESTRATOR_MODEL = a.model;
  if (a.reasoning_profile) env.GRACE_ORCHESTRATOR_REASONING_PROFILE = a.reasoning_profile;
  const note = [
    `Add this server through Mimo's STDIO MCP server dialog (command, args, cwd and env exactly as given).`,
    `Use one profile per agent: the orchestrator binds identity '${a.name}' (${a.primary_role}) when the server process starts.`,
    `Launch with MiMoCode agent '${mimoAgent}'.`,
    modelNote(model, family),
  ].join(" ");
  return {
    name: `grace-orchestrator-${a.name}`,
    transport: family === "codex_external" ? "external_codex" : "stdio",
    command: input.nodeExecutable,
    args: [input.serverEntry],
    cwd: input.installRoot,
    env,
    note,
    mimo_agent: mimoAgent,
    mimo_model: model,
    backend_family: family,
    project_root: input.projectRoot,
  };
}
