import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";

export type BackendFamily = "mimo_auto" | "glm_worker" | "codex_external" | "glm" | "mimo" | "unknown";

export const SHARED_CODEX_BACKEND = "openai/codex-shared";
export const DEFAULT_MIMO_AGENT = "build";

const EXACT: Readonly<Record<string, BackendFamily>> = {
  "mimo-auto-junior": "mimo_auto",
  "zai/glm-4.7-flash": "glm_worker",
  "openai/codex-luna": "codex_external",
  "openai/codex-terra": "codex_external",
  "openai/codex-shared": "codex_external",
};

const LEGACY_ALIASES = ["auto", "auto-junior", "default"];

/** Which backend family a registered model identifier belongs to. */
export function backendFamily(model: string): BackendFamily {
  const m = model.trim().toLowerCase();
  const exact = EXACT[m];
  if (exact) return exact;
  if ((m.startsWith("zai-coding-plan/") || m.startsWith("zai/")) && m.includes("glm")) return "glm";
  if (m.startsWith("xiaomi/mimo-") || m.startsWith("mimo/mimo-")) return "mimo";
  return "unknown";
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

/** Normalises and checks a model identifier for a role; returns the trimmed model. */
export function validateBackendModel(model: string, role: Role): { model: string; family: BackendFamily } {
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
  if (!ALLOWED[role].includes(family)) throw new OrchestratorError(REFUSAL[role](trimmed));
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
