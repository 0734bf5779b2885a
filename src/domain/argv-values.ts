import { OrchestratorError } from "./errors.js";

/**
 * Values that end up as separate elements of a child's argv (agent names, Mimo's --agent and
 * --model values). A program reads an element that starts with `-` as an option of its own,
 * so each kind must start with a letter or digit and hold only the characters named here.
 */
export const ARGV_VALUE_RULES = {
  agent_name: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    allowed: "1-64 characters: letters, digits, '.', '_', '-', starting with a letter or digit",
  },
  mimo_agent: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    allowed: "1-64 characters: letters, digits, '.', '_', '-', starting with a letter or digit",
  },
  mimo_model: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,199}$/,
    allowed:
      "1-200 characters: letters, digits, '.', '_', ':', '@', '+', '/', '-', starting with a letter or digit",
  },
  // A client's session id, which a resume command takes as a word of its own (`resume {id}`).
  controller_session_id: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:@+/=-]{0,199}$/,
    allowed:
      "1-200 characters: letters, digits, '.', '_', ':', '@', '+', '/', '=', '-', starting with a letter or digit",
  },
} as const;

export type ArgvValueKind = keyof typeof ARGV_VALUE_RULES;

/** The refusal for a value of this kind, or null when it is safe to place in an argv. */
export function argvValueRefusal(kind: ArgvValueKind, value: string): string | null {
  const rule = ARGV_VALUE_RULES[kind];
  if (rule.pattern.test(value)) return null;
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  const flag = value.startsWith("-") ? " (a value starting with '-' would be read as an option)" : "";
  return `${kind} ${shown} is not allowed${flag}: use ${rule.allowed}`;
}

export function requireArgvValue(kind: ArgvValueKind, value: string, record: string): string {
  const refusal = argvValueRefusal(kind, value);
  if (refusal !== null) throw new OrchestratorError(`${record}: ${refusal}`);
  return value;
}
