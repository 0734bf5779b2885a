import { OrchestratorError, oneOf } from "../domain/errors.js";
import { escapeRegExp } from "../domain/regex.js";
import type { Role } from "../domain/roles.js";

export type BackendFamily = "mimo_auto" | "glm_worker" | "codex_external" | "glm" | "mimo" | "unknown";

export const SHARED_CODEX_BACKEND = "openai/codex-shared";
export const DEFAULT_MIMO_AGENT = "build";

/**
 * Each backend family and the model identifiers it covers, as globs (`*` is any run of characters,
 * case-insensitive). The first family with a matching glob wins, so exact names come first.
 */
const FAMILY_MODELS: readonly (readonly [BackendFamily, readonly string[]])[] = [
  ["mimo_auto", ["mimo-auto-junior"]],
  ["glm_worker", ["zai/glm-4.7-flash"]],
  ["codex_external", ["openai/codex-luna", "openai/codex-terra", "openai/codex-shared"]],
  ["glm", ["zai-coding-plan/*glm*", "zai/*glm*"]],
  ["mimo", ["xiaomi/mimo-*", "mimo/mimo-*"]],
];

const globRegex = (glob: string): RegExp => new RegExp(`^${glob.split("*").map(escapeRegExp).join(".*")}$`);

const FAMILY_REGEXES = FAMILY_MODELS.map(([family, globs]) => [family, globs.map(globRegex)] as const);

const LEGACY_ALIASES = ["auto", "auto-junior", "default"];

/** Which backend family a registered model identifier belongs to. */
export function backendFamily(model: string): BackendFamily {
  const m = model.trim().toLowerCase();
  return FAMILY_REGEXES.find(([, regexes]) => regexes.some((r) => r.test(m)))?.[0] ?? "unknown";
}

/** The model globs a role may register, in the order of the family table. */
export function modelsAllowedFor(role: Role): string[] {
  return FAMILY_MODELS.filter(([family]) => ALLOWED[role].includes(family)).flatMap(([, globs]) => globs);
}

const ALLOWED: Readonly<Record<Role, readonly BackendFamily[]>> = {
  worker_junior: ["mimo", "mimo_auto", "glm_worker", "codex_external"],
  worker_pro: ["mimo", "glm_worker", "codex_external"],
  glm: ["glm"],
  test_owner: ["glm"],
  codex: ["mimo_auto", "glm_worker", "codex_external", "glm", "mimo"],
  user: ["mimo_auto", "glm_worker", "codex_external", "glm", "mimo"],
};

const REFUSAL: Readonly<Record<Role, (m: string) => string>> = {
  worker_junior: (m) =>
    `Junior worker backend '${m}' is not allowed: use a Xiaomi/MiMo model, the free MiMo Auto backend, the approved Z.ai GLM worker backend, or Luna Codex`,
  worker_pro: (m) =>
    `Pro worker backend '${m}' is not allowed: use a Xiaomi/MiMo model, the approved Z.ai GLM worker backend, or an external Codex backend (free MiMo Auto is not allowed for Pro)`,
  glm: (m) => `GLM backend '${m}' is not allowed: GLM must use the Z.ai Coding Plan GLM backend`,
  test_owner: (m) =>
    `Test Owner backend '${m}' is not allowed: Test Owner must use the Z.ai Coding Plan GLM backend`,
  codex: (m) => `Unsupported Mimo backend model: '${m}'`,
  user: (m) => `Unsupported Mimo backend model: '${m}'`,
};

/**
 * Normalises and checks a model identifier for a role; returns the trimmed model. A refusal ends
 * with every model glob the role allows, naming `record` (the agent it is for) when given.
 */
export function validateBackendModel(
  model: string,
  role: Role,
  record?: string,
): { model: string; family: BackendFamily } {
  const trimmed = model.trim();
  if (!trimmed)
    throw new OrchestratorError("Mimo backend model must be a non-empty explicit provider/model identifier");
  const lower = trimmed.toLowerCase();
  const family = backendFamily(trimmed);
  if (LEGACY_ALIASES.includes(lower) || (!lower.includes("/") && family !== "mimo_auto")) {
    throw new OrchestratorError(
      `Mimo backend model '${trimmed}' must be an explicit provider/model identifier (for example xiaomi/mimo-v2.5 or zai-coding-plan/glm-5.2) or the registered free mimo-auto-junior; legacy implicit aliases are blocked`,
    );
  }
  if (!ALLOWED[role].includes(family)) {
    const whose = record === undefined ? "" : `${record}: `;
    throw new OrchestratorError(
      `${REFUSAL[role](trimmed)}; ${whose}${oneOf(`mimo_model for ${role}`, modelsAllowedFor(role))}`,
    );
  }
  return { model: trimmed, family };
}

/** The agent facts the per-role backend rules look at. */
export interface BackendAgent {
  name: string;
  primary_role: string;
  mimo_model: string | null;
}

export interface ResolvedBackend {
  model: string;
  family: BackendFamily;
  /** A codex-primary agent: works in the current Codex conversation, never through Mimo. */
  sharedCodex: boolean;
}

/**
 * For workpackage.create / assign: a codex-primary agent resolves to the
 * shared Codex backend; any other agent needs a valid explicit model for `role` (8.1).
 */
export function resolveWorkerBackend(agent: BackendAgent, role: Role): ResolvedBackend {
  if (agent.primary_role === "codex") {
    return { model: SHARED_CODEX_BACKEND, family: "codex_external", sharedCodex: true };
  }
  const { model, family } = validateBackendModel(agent.mimo_model ?? "", role);
  return { model, family, sharedCodex: false };
}

/**
 * What `mimo.launch_package` refuses, in the order the predecessor checked. Returns the
 * backend a Mimo TUI may be started with.
 */
export function resolveLaunchBackend(agent: BackendAgent, role: Role): ResolvedBackend {
  if (agent.primary_role === "codex") {
    throw new OrchestratorError(
      `Assigned agent '${agent.name}' is a Codex actor and must never be launched through MiMo; shared Codex works in the current Codex conversation`,
    );
  }
  if (!agent.mimo_model?.trim()) {
    throw new OrchestratorError(
      `Assigned agent '${agent.name}' has no configured Mimo model; register mimo_model first`,
    );
  }
  const { model, family } = validateBackendModel(agent.mimo_model, role);
  if (family === "codex_external") {
    throw new OrchestratorError(
      `External Codex backend '${model}' cannot be launched through mimo.launch_package; open the dedicated Luna/Terra Codex session with its own connection profile instead`,
    );
  }
  return { model, family, sharedCodex: false };
}

export function mimoAgentOf(agent: { mimo_agent: string | null }): string {
  return agent.mimo_agent?.trim() || DEFAULT_MIMO_AGENT;
}
