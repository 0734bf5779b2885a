import type { PackageStatus } from "./package-states.js";
import type { TaskStatus } from "./task-states.js";
import { exposedToolName, type ToolNaming } from "./tool-names.js";

/** Pseudo-roles name who may act next; they are informational, not authorities. */
export type NextRole = "glm" | "codex" | "none" | "user_or_codex" | "worker_junior_or_pro";
export interface NextAction {
  role: NextRole;
  action: string;
}

export interface PackageBrief {
  id: number;
  status: PackageStatus;
}

/** Who acts next and the tools (canonical names, alternatives) it would call; none for a closed task. */
interface Step {
  role: NextRole;
  tools: readonly string[];
}

const BY_TASK_STATUS: Partial<Record<TaskStatus, Step>> = {
  CODEX_TASK_CREATED: { role: "glm", tools: ["task.plan"] },
  GLM_GRACE_PLANNED: {
    role: "glm",
    tools: ["verification.register_plan", "submission.controller_task_completion"],
  },
  GLM_TESTS_PREPARED: { role: "glm", tools: ["workpackage.create", "submission.controller_task_completion"] },
  GLM_REJECTED_REPAIR_REQUIRED: {
    role: "glm",
    tools: ["mimo.launch_package", "submission.controller_repair"],
  },
};

const BY_PACKAGE_STATUS: Partial<Record<PackageStatus, Step>> = {
  CREATED: { role: "glm", tools: ["workpackage.assign"] },
  ASSIGNED: { role: "worker_junior_or_pro", tools: ["workpackage.claim"] },
  REPAIR_REQUIRED: { role: "worker_junior_or_pro", tools: ["workpackage.claim"] },
  CLAIMED_JUNIOR: { role: "worker_junior_or_pro", tools: ["submission.create"] },
  CLAIMED_PRO: { role: "worker_junior_or_pro", tools: ["submission.create"] },
  SUBMITTED: { role: "glm", tools: ["review.glm_submit"] },
  GLM_REVIEW_IN_PROGRESS: { role: "glm", tools: ["review.glm_submit"] },
};

/** A package waiting for a person: reset it, or move its task on. */
const PAUSED: Step = { role: "user_or_codex", tools: ["workpackage.force_reset", "task.force_transition"] };
const FINAL_REVIEW: Step = { role: "codex", tools: ["task.request_final_review"] };
const WAVE: Step = { role: "glm", tools: ["workpackage.assign", "review.glm_submit"] };
const FALLBACK: Step = { role: "codex", tools: ["task.get"] };

const LATE: Partial<Record<TaskStatus, Step>> = {
  // The predecessor fell through to "codex / task.get" here; final review is what Codex does next.
  GLM_ACCEPTED: FINAL_REVIEW,
  CODEX_FINAL_REVIEW: { role: "codex", tools: ["review.codex_submit"] },
  CODEX_ACCEPTED: { role: "codex", tools: ["task.close"] },
  TASK_CLOSED: { role: "none", tools: [] },
};

/** Every tool a next action can name, canonical: what a reader's server must expose. */
export const NEXT_ACTION_TOOLS: readonly string[] = [
  ...new Set(
    [...Object.values(BY_TASK_STATUS), ...Object.values(BY_PACKAGE_STATUS), ...Object.values(LATE)]
      .concat([PAUSED, FINAL_REVIEW, WAVE, FALLBACK])
      .flatMap((s) => s.tools),
  ),
];

/** "a or b [for package #n]" with each tool named as the reader's server exposes it; "none" when none. */
function actionOf(step: Step, naming: ToolNaming, packageId?: number): NextAction {
  const tools = step.tools.map((t) => exposedToolName(t, naming)).join(" or ") || "none";
  return { role: step.role, action: packageId === undefined ? tools : `${tools} for package #${packageId}` };
}

/**
 * Who acts next on a task, with cancelled packages ignored when deciding that all are accepted.
 * Tools are named in `naming`, the naming of the server the reader calls them through.
 */
export function classifyNextAction(
  status: TaskStatus,
  packages: readonly PackageBrief[],
  naming: ToolNaming = "dotted",
): NextAction {
  const early = BY_TASK_STATUS[status];
  if (early) return actionOf(early, naming);
  const paused = packages.find((p) => p.status === "HUMAN_INTERVENTION_REQUIRED");
  if (paused) return actionOf(PAUSED, naming, paused.id);
  for (const p of packages) {
    const step = BY_PACKAGE_STATUS[p.status];
    if (step) return actionOf(step, naming, p.id);
  }
  if (status === "WORK_PACKAGES_CREATED" || status === "WORK_PACKAGES_ASSIGNED") {
    const live = packages.filter((p) => p.status !== "CANCELLED");
    if (live.length > 0 && live.every((p) => p.status === "GLM_ACCEPTED"))
      return actionOf(FINAL_REVIEW, naming);
    return actionOf(WAVE, naming);
  }
  return actionOf(LATE[status] ?? FALLBACK, naming);
}
