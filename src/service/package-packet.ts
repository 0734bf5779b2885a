import { notOneOf, OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import { canonicalKey, DEFAULT_WORKER_REPORT_FIELDS } from "../gates/index.js";
import type { AgentRow } from "../ledger/tables/agents.js";
import { DEFAULT_MIMO_AGENT, resolveWorkerBackend, type ResolvedBackend } from "../mimo/backend-families.js";

export const AUTHORITY_MODES = ["codex_led", "glm_direct", "parallel_mixed"] as const;
export type AuthorityMode = (typeof AUTHORITY_MODES)[number];

export type Backend = ResolvedBackend;

/** The worker backend an agent runs on; a shared Codex agent must also hold the worker capability. */
export function resolveBackend(agent: AgentRow, role: Role, capabilities: readonly string[]): Backend {
  if (agent.primary_role === "codex" && !capabilities.includes(role)) {
    throw new OrchestratorError(`Assigned shared Codex actor '${agent.name}' lacks capability ${role}`);
  }
  return resolveWorkerBackend(agent, role);
}

function providerLabel(b: Backend): string {
  switch (b.family) {
    case "mimo_auto":
      return "MiMo Auto";
    case "glm_worker":
      return "Z.ai approved worker";
    case "mimo":
      return "Xiaomi/MiMo";
    case "codex_external":
      return b.sharedCodex ? "Shared Codex (current controller session)" : "External Codex";
    default:
      return "unknown";
  }
}

function modelFlagPolicy(b: Backend): string {
  if (b.sharedCodex) return "no model flag: the shared Codex session keeps its own model";
  if (b.family === "mimo_auto") return "no --model flag: MiMo Auto selects the model";
  return `pass exactly --model ${b.model}`;
}

export interface PacketInput {
  taskId: number;
  objective: string;
  allowed: string[];
  forbidden: string[];
  junior: AgentRow;
  juniorBackend: Backend;
  proBackend: Backend;
  operationId: string;
  authorityMode: AuthorityMode;
  operationRoot: string;
  codexRequired: boolean;
  codexInstanceId: string;
  glmInstanceId: string;
  branchWorktree: string;
  moduleId: string;
  verificationId: string;
  proApiAssignment: string;
  scanPlanReport: Record<string, unknown>;
  discovery: Record<string, unknown>;
  testSurface: string[];
  commandsAllowed: string[];
  rollbackBoundary: string;
  sessionRouting: Record<string, unknown>;
  operationIsolation: Record<string, unknown>;
  cacheAnchor: string;
  retryBudget: number;
  stopConditions: string[];
  reportFormat: string[];
}

/** The 40-label execution packet, keyed by each label's canonical key. */
export function buildExecutionPacket(p: PacketInput): Record<string, unknown> {
  const labelled: [string, unknown][] = [
    ["operation id", p.operationId],
    ["authority mode", p.authorityMode],
    ["operation root", p.operationRoot],
    ["codex required", p.codexRequired],
    ["codex instance id", p.codexInstanceId],
    ["glm instance id", p.glmInstanceId],
    ["branch/worktree", p.branchWorktree],
    ["task id", p.taskId],
    ["module id", p.moduleId],
    ["verification id", p.verificationId],
    ["goal", p.objective],
    ["assigned role", "worker_junior"],
    ["orchestration stage", "worker_execution"],
    [
      "substitution authority",
      "none: the worker may not substitute another model, agent or role; stop and report instead",
    ],
    ["allowed files", p.allowed],
    ["forbidden files", p.forbidden],
    ["worker runtime profile", p.junior.name],
    ["actual worker identity", p.junior.name],
    [
      "mimocode agent",
      p.junior.mimo_agent ??
        (p.juniorBackend.family === "codex_external"
          ? "not applicable: Codex workers do not run a MiMoCode agent"
          : DEFAULT_MIMO_AGENT),
    ],
    ["backend provider", providerLabel(p.juniorBackend)],
    ["backend model", p.juniorBackend.model],
    ["launch mode", p.juniorBackend.sharedCodex ? "current_codex_session" : "tui"],
    ["trust flag", "the worktree is trusted only for this package; never pass a global trust flag"],
    ["model flag policy", modelFlagPolicy(p.juniorBackend)],
    ["forbidden model flags", "any model, provider or agent flag other than the ones above"],
    [
      "pro/api assignment",
      p.proApiAssignment.trim() || "not assigned: the Pro route opens only after a GLM rejection",
    ],
    ["pro backend model", p.proBackend.model],
    ["claim identity", p.junior.name],
    ["glm scan/plan report", p.scanPlanReport],
    ["required contracts read", p.discovery["contracts_read"] ?? []],
    ["contract discovery report", p.discovery],
    ["test surface", p.testSurface],
    ["commands allowed", p.commandsAllowed],
    ["rollback boundary", p.rollbackBoundary],
    ["session routing", p.sessionRouting],
    ["operation isolation", p.operationIsolation],
    ["cache anchor", p.cacheAnchor],
    ["retry budget", p.retryBudget],
    ["stop conditions", p.stopConditions],
    ["compact worker report format", p.reportFormat],
  ];
  return Object.fromEntries(labelled.map(([label, value]) => [canonicalKey(label), value]));
}

/** Report format: the given labels with authority mode and operation id first if absent. */
export function compactReportFormat(given: readonly string[] | undefined): string[] {
  const base = given && given.length > 0 ? [...given] : [...DEFAULT_WORKER_REPORT_FIELDS];
  const keys = new Set(base.map(canonicalKey));
  const head = ["authority mode", "operation id"].filter((l) => !keys.has(canonicalKey(l)));
  return [...head, ...base];
}

export function defaultSessionRouting(moduleId: string): Record<string, unknown> {
  return {
    mode: "checkpoint_from_cache_anchor",
    workstream: moduleId || "unresolved",
    reuse_rule: "reuse the session only while the cache anchor, package and scope are unchanged",
    new_session_when: [
      "the cache anchor changes",
      "the package is reassigned or moves to repair",
      "the context no longer fits the package scope",
    ],
  };
}

/** The new package's authority mode; a refusal names the task it was to be created under. */
export function parseAuthorityMode(text: string | undefined, taskId: number): AuthorityMode {
  const mode = (text ?? "").trim() || "codex_led";
  if (!(AUTHORITY_MODES as readonly string[]).includes(mode)) {
    throw notOneOf(`New work package of task ${taskId}`, "authority_mode", mode, AUTHORITY_MODES);
  }
  return mode as AuthorityMode;
}
