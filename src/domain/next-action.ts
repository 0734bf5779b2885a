import type { PackageStatus } from "./package-states.js";
import type { TaskStatus } from "./task-states.js";

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

const BY_TASK_STATUS: Partial<Record<TaskStatus, NextAction>> = {
  CODEX_TASK_CREATED: { role: "glm", action: "task.plan" },
  GLM_GRACE_PLANNED: {
    role: "glm",
    action: "verification.register_plan or submission.controller_task_completion",
  },
  GLM_TESTS_PREPARED: { role: "glm", action: "workpackage.create or submission.controller_task_completion" },
  GLM_REJECTED_REPAIR_REQUIRED: {
    role: "glm",
    action: "mimo.launch_package or submission.controller_repair",
  },
};

const BY_PACKAGE_STATUS: Partial<Record<PackageStatus, [NextRole, string]>> = {
  CREATED: ["glm", "workpackage.assign"],
  ASSIGNED: ["worker_junior_or_pro", "workpackage.claim"],
  REPAIR_REQUIRED: ["worker_junior_or_pro", "workpackage.claim"],
  CLAIMED_JUNIOR: ["worker_junior_or_pro", "submission.create"],
  CLAIMED_PRO: ["worker_junior_or_pro", "submission.create"],
  SUBMITTED: ["glm", "review.glm_submit"],
  GLM_REVIEW_IN_PROGRESS: ["glm", "review.glm_submit"],
};

const LATE: Partial<Record<TaskStatus, NextAction>> = {
  // The predecessor fell through to "codex / task.get" here; final review is what Codex does next.
  GLM_ACCEPTED: { role: "codex", action: "task.request_final_review" },
  CODEX_FINAL_REVIEW: { role: "codex", action: "review.codex_submit" },
  CODEX_ACCEPTED: { role: "codex", action: "task.close" },
  TASK_CLOSED: { role: "none", action: "none" },
};

/** Who acts next on a task, with cancelled packages ignored when deciding that all are accepted. */
export function classifyNextAction(status: TaskStatus, packages: readonly PackageBrief[]): NextAction {
  const early = BY_TASK_STATUS[status];
  if (early) return early;
  const paused = packages.find((p) => p.status === "HUMAN_INTERVENTION_REQUIRED");
  if (paused) {
    return {
      role: "user_or_codex",
      action: `workpackage.force_reset or task.force_transition for package #${paused.id}`,
    };
  }
  for (const p of packages) {
    const step = BY_PACKAGE_STATUS[p.status];
    if (step) return { role: step[0], action: `${step[1]} for package #${p.id}` };
  }
  if (status === "WORK_PACKAGES_CREATED" || status === "WORK_PACKAGES_ASSIGNED") {
    const live = packages.filter((p) => p.status !== "CANCELLED");
    if (live.length > 0 && live.every((p) => p.status === "GLM_ACCEPTED")) {
      return { role: "codex", action: "task.request_final_review" };
    }
    return { role: "glm", action: "workpackage.assign or review.glm_submit" };
  }
  return LATE[status] ?? { role: "codex", action: "task.get" };
}
