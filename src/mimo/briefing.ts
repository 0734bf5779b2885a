import { exposeToolNames, type ToolNaming } from "../domain/tool-names.js";

/** The tools the briefing names, written as the worker's server exposes them. */
const BRIEFING_TOOLS = [
  "orchestrator.whoami",
  "workpackage.claim",
  "repo.run_tests",
  "submission.create",
  "handoff.report_worker_event",
];

export interface BriefingInput {
  /** How the worker's server names tools (dotted unless set). */
  toolNames?: ToolNaming;
  sessionId: number;
  agentName: string;
  role: string;
  model: string;
  family: string;
  mimoAgent: string;
  workspace: string;
  baseCommit: string;
  /** Set for a repair launch: the latest submitted head the worktree starts from. */
  repairSourceCommit: string | null;
  repairRoute: string | null;
  rejection: { findings: string[]; fixes: string[] } | null;
  task: {
    id: number;
    title: string;
    objective: string;
    architecture_intent: string;
    constraints: string[];
    non_goals: string[];
    acceptance_criteria: string[];
  };
  pkg: {
    id: number;
    title: string;
    objective: string;
    allowed_files: string[];
    forbidden_files: string[];
    operation_id: string;
    authority_mode: string;
    operation_root: string;
    codex_required: boolean;
    codex_instance_id: string;
    glm_instance_id: string;
    branch_worktree: string;
    glm_scan_plan_report: unknown;
    operation_isolation: unknown;
  };
}

/** A string list rendered as the predecessor rendered it (Python repr), e.g. `['needs repair']`. */
export function listRepr(items: readonly string[]): string {
  const one = (s: string) => {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    const body = s
      .replace(/\\/g, "\\\\")
      .replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r")
      .replace(/\t/g, "\\t")
      .replaceAll(quote, `\\${quote}`);
    return `${quote}${body}${quote}`;
  };
  return `[${items.map(one).join(", ")}]`;
}

function bullets(items: readonly string[]): string {
  return items.length === 0 ? "- (none)" : items.map((i) => `- ${i}`).join("\n");
}

/**
 * The worker briefing: a non-authoritative projection of the ledger. The
 * "Label: value" lines are matched verbatim by tests and by workers; keep them stable.
 */
export function renderBriefing(b: BriefingInput): string {
  const lines = [
    ...sessionSection(b),
    ...operationSection(b),
    ...authoritySection(b),
    ...parentTaskSection(b.task),
    ...assignedPackageSection(b),
    ...repairSection(b.rejection),
    ...requiredSequence(b.pkg.id),
  ];
  return exposeToolNames(lines.join("\n"), b.toolNames ?? "dotted", BRIEFING_TOOLS);
}

function sessionSection(b: BriefingInput): string[] {
  return [
    `# GRACE worker briefing (Mimo session ${b.sessionId})`,
    "",
    "This file is a non-authoritative projection of the orchestrator ledger. The ledger, read through MCP, is the authority.",
    "",
    `Session: ${b.sessionId}`,
    `Registered agent: ${b.agentName}`,
    `Bound role required: ${b.role}`,
    `Selected provider/model backend: ${b.model}`,
    `Backend family: ${b.family}`,
    `Selected MiMoCode TUI agent: ${b.mimoAgent}`,
    `Isolated workspace: ${b.workspace}`,
    ...(b.repairRoute ? [`Repair route: ${b.repairRoute}`] : []),
  ];
}

/** The package's operation fields; an unset id or mode falls back to the task's and to codex_led. */
function operationSection(b: BriefingInput): string[] {
  const op = b.pkg;
  return [
    "",
    "## Operation authority",
    "",
    `Operation id: ${op.operation_id || `task-${b.task.id}`}`,
    `Authority mode: ${op.authority_mode || "codex_led"}`,
    `Operation root: ${op.operation_root}`,
    `Codex required: ${op.codex_required}`,
    `Codex instance id: ${op.codex_instance_id}`,
    `GLM instance id: ${op.glm_instance_id}`,
    `Branch/worktree: ${op.branch_worktree}`,
    `GLM scan/plan report: ${JSON.stringify(op.glm_scan_plan_report ?? {})}`,
    `Operation isolation: ${JSON.stringify(op.operation_isolation ?? {})}`,
  ];
}

function authoritySection(b: BriefingInput): string[] {
  return [
    "",
    "## Authority",
    "",
    `Use the GRACE MCP connection configured for exactly the agent '${b.agentName}'. Call orchestrator.whoami first;`,
    `if the bound name is not '${b.agentName}' or the role is not ${b.role}, stop and report blocked.`,
    "MCP authority is separate from the MiMoCode agent or profile: the TUI agent does not grant any role.",
  ];
}

function parentTaskSection(task: BriefingInput["task"]): string[] {
  return [
    "",
    "## Parent task",
    "",
    `Task id: ${task.id}`,
    `Title: ${task.title}`,
    `Objective: ${task.objective}`,
    `Architecture intent: ${task.architecture_intent}`,
    "Constraints:",
    bullets(task.constraints),
    "Non-goals:",
    bullets(task.non_goals),
    "Acceptance criteria:",
    bullets(task.acceptance_criteria),
  ];
}

function assignedPackageSection(b: BriefingInput): string[] {
  return [
    "",
    "## Assigned package",
    "",
    `Work-package id: ${b.pkg.id}`,
    `Title: ${b.pkg.title}`,
    `Objective: ${b.pkg.objective}`,
    `Base commit: ${b.baseCommit}`,
    ...(b.repairSourceCommit ? [`Repair source commit: ${b.repairSourceCommit}`] : []),
    `Allowed files: ${listRepr(b.pkg.allowed_files)}`,
    `Forbidden files: ${listRepr(b.pkg.forbidden_files)}`,
  ];
}

/** Only a repair launch carries the rejection it repairs. */
function repairSection(rejection: BriefingInput["rejection"]): string[] {
  if (!rejection) return [];
  return [
    "",
    "## Repair context",
    "",
    `Latest rejection findings: ${listRepr(rejection.findings)}`,
    `Required repair fixes: ${listRepr(rejection.fixes)}`,
  ];
}

function requiredSequence(packageId: number): string[] {
  return [
    "",
    "## Required sequence",
    "",
    `1. Claim the package with workpackage.claim (work_package_id ${packageId}).`,
    "2. Work only inside the isolated workspace above and only on the allowed files.",
    "3. Do not touch protected tests unless you are the test owner.",
    "4. Commit your work in the workspace.",
    "5. Run only registered test commands, through repo.run_tests.",
    "6. Submit with submission.create; it emits WORKER_READY_FOR_REVIEW and writes the report. Submission is not acceptance.",
    "7. On any ambiguity call handoff.report_worker_event with WORKER_BLOCKED or WORKER_NEEDS_CONTROLLER and stop.",
    "",
  ];
}
