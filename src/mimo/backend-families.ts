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

/** Reference §8.1: which backend family a registered model identifier belongs to. */
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
