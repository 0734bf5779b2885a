export const ROLES = ["user", "codex", "glm", "test_owner", "worker_junior", "worker_pro"] as const;
export type Role = (typeof ROLES)[number];

/** An agent is either available to act in its roles or not (then its roles may be delegated). */
export const AVAILABILITIES = ["available", "unavailable"] as const;

export const WORKER_ROLES: readonly Role[] = ["worker_junior", "worker_pro"];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const RUNTIMES = ["codex", "antigravity", "mimo_tui", "external"] as const;
export type Runtime = (typeof RUNTIMES)[number];

const RUNTIME_ALIASES: Record<string, Runtime> = {
  antigravity: "antigravity",
  "google/antigravity": "antigravity",
  codex: "codex",
  "openai/codex": "codex",
  mimo: "mimo_tui",
  mimo_tui: "mimo_tui",
  external: "external",
};

/** Case-insensitive aliases; anything unknown is an external runtime. */
export function parseRuntime(text: string): Runtime {
  return RUNTIME_ALIASES[text.trim().toLowerCase()] ?? "external";
}
