import { requireArgvValue } from "../domain/argv-values.js";
import { notOneOf, OrchestratorError, oneOf } from "../domain/errors.js";
import { ROLES, isRole } from "../domain/roles.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { findAgent, saveAgent, setAgentAvailability } from "../ledger/tables/agents.js";
import { validateBackendModel } from "../mimo/backend-families.js";
import { loadProject, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { agentView } from "./projections.js";

export const AVAILABILITIES = ["available", "unavailable"] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export interface RegisterAgentInput {
  project_id: number;
  name: string;
  primary_role: string;
  capabilities: string[];
  availability?: string | undefined;
  mimo_model?: string | null | undefined;
  mimo_agent?: string | null | undefined;
  runtime?: string | null | undefined;
  provider?: string | null | undefined;
  model?: string | null | undefined;
  reasoning_profile?: string | null | undefined;
}

/** `record` names the agent and its project, as the refusal says them. */
function checkAvailability(value: string, record: string): Availability {
  if (!(AVAILABILITIES as readonly string[]).includes(value)) {
    throw notOneOf(record, "availability", value, AVAILABILITIES);
  }
  return value as Availability;
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function registerAgent(ctx: ServiceContext, input: RegisterAgentInput) {
  const record = `Agent registration '${input.name}' on project ${input.project_id}`;
  requireArgvValue("agent_name", input.name, `Agent registration on project ${input.project_id}`);
  if (!isRole(input.primary_role)) {
    throw new OrchestratorError(
      `${record} contains an unknown role '${input.primary_role}': ${oneOf("primary_role", ROLES)}`,
    );
  }
  const unknown = input.capabilities.find((c) => !isRole(c));
  if (unknown !== undefined) {
    throw new OrchestratorError(
      `${record} contains an unknown role capability '${unknown}': ${oneOf("each of capabilities", ROLES)}`,
    );
  }
  const primary = input.primary_role;
  const availability = checkAvailability(input.availability ?? "available", record);
  const capabilities = ROLES.filter((r) => r === primary || input.capabilities.includes(r)).sort();
  if (primary === "worker_junior" && capabilities.length !== 1) {
    throw new OrchestratorError("Junior agents cannot be registered with fallback role capabilities");
  }
  let mimoModel: string | null = null;
  if (input.mimo_model !== undefined && input.mimo_model !== null) {
    if (!input.mimo_model.trim()) {
      throw new OrchestratorError("Mimo model must be a non-empty provider/model identifier when supplied");
    }
    mimoModel = requireArgvValue(
      "mimo_model",
      validateBackendModel(input.mimo_model, primary, record).model,
      record,
    );
  }
  let mimoAgent: string | null = null;
  if (input.mimo_agent !== undefined && input.mimo_agent !== null) {
    mimoAgent = input.mimo_agent.trim();
    if (!mimoAgent) throw new OrchestratorError("MiMoCode agent binding must be non-empty when supplied");
    requireArgvValue("mimo_agent", mimoAgent, record);
  }
  const row = {
    // Stored as given (trimmed): a runtime such as `mimo-cli` is informational and kept verbatim.
    runtime: blankToNull(input.runtime),
    provider: blankToNull(input.provider),
    model: blankToNull(input.model),
    reasoning_profile: blankToNull(input.reasoning_profile),
  };
  return inTransaction(ctx.db, () => {
    loadProject(ctx, input.project_id);
    const role = requireRole(ctx, "codex", input.project_id, null);
    saveAgent(ctx.db, {
      project_id: input.project_id,
      name: input.name,
      primary_role: primary,
      capabilities_json: stableJson(capabilities),
      mimo_model: mimoModel,
      mimo_agent: mimoAgent,
      ...row,
      availability,
      updated_at: nowIso(ctx),
    });
    const agent = findAgent(ctx.db, input.project_id, input.name);
    if (!agent) throw new OrchestratorError("Agent registration was not stored");
    audit(ctx, role, "agent.registered", "agent", agent.id, {
      name: input.name,
      availability,
      capabilities,
      mimo_model: mimoModel,
      mimo_agent: mimoAgent,
      ...row,
    });
    return agentView(agent);
  });
}

export function setAvailability(ctx: ServiceContext, projectId: number, name: string, availability: string) {
  const value = checkAvailability(availability, `Agent '${name}' on project ${projectId}`);
  return inTransaction(ctx.db, () => {
    loadProject(ctx, projectId);
    const role = requireRole(ctx, "codex", projectId, null);
    const agent = findAgent(ctx.db, projectId, name);
    if (!agent) throw new OrchestratorError(`Agent '${name}' is not registered in project ${projectId}`);
    setAgentAvailability(ctx.db, { id: agent.id, availability: value, updated_at: nowIso(ctx) });
    audit(ctx, role, "agent.availability_changed", "agent", agent.id, {
      name,
      from: agent.availability,
      to: value,
    });
    return agentView(findAgent(ctx.db, projectId, name)!);
  });
}
