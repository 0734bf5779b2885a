import { OrchestratorError } from "./errors.js";
import { RUNTIMES, type Runtime } from "./roles.js";

/**
 * Names that bind a model, not a runtime: recording one as a runtime would hide the model
 * choice in the wrong field, so they are refused instead of folded into `external`.
 */
const MODEL_BOUND_NAMES: readonly string[] = ["antigravity-flash", "gemini-3.5-flash", "claude-opus-4.6"];

/**
 * The strict runtime of a free-text value: the last `/` segment (so `google/antigravity` is
 * antigravity), an exact runtime name is itself, a model-bound name is refused, anything else
 * (including blank and plain `mimo`) is external. Unlike the environment parser, no aliases.
 */
export function canonicalRuntime(text: string): Runtime {
  const last = text.trim().split("/").at(-1)!.trim();
  if (MODEL_BOUND_NAMES.includes(last.toLowerCase())) {
    throw new OrchestratorError(
      `Model-bound name '${last}' is not a runtime; record it as the model and use one of: ${RUNTIMES.join(", ")}.`,
    );
  }
  return (RUNTIMES as readonly string[]).includes(last) ? (last as Runtime) : "external";
}

/** True only for the Antigravity runtime; a model-bound name is not a runtime, so it is false. */
export function isExternalAntigravityRuntime(value: string): boolean {
  try {
    return canonicalRuntime(value) === "antigravity";
  } catch {
    return false;
  }
}
