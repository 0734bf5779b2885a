import { invalidTransition } from "./errors.js";

export const TASK_STATUSES = [
  "PROJECT_INITIALIZED",
  "CODEX_TASK_CREATED",
  "GLM_GRACE_PLANNED",
  "GLM_TESTS_PREPARED",
  "WORK_PACKAGES_CREATED",
  "WORK_PACKAGES_ASSIGNED",
  "GLM_REVIEW_IN_PROGRESS",
  "GLM_ACCEPTED",
  "GLM_REJECTED_REPAIR_REQUIRED",
  "CODEX_FINAL_REVIEW",
  "CODEX_ACCEPTED",
  "CODEX_REJECTED_REPAIR_REQUIRED",
  "HUMAN_INTERVENTION_REQUIRED",
  "TASK_CLOSED",
  "NEXT_TASK_READY",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * The only task transitions; anything else is refused. Every working status may also be escalated
 * to HUMAN_INTERVENTION_REQUIRED by the controller; leaving it is an administrative force-transition.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PROJECT_INITIALIZED: [],
  CODEX_TASK_CREATED: ["GLM_GRACE_PLANNED", "HUMAN_INTERVENTION_REQUIRED"],
  GLM_GRACE_PLANNED: ["GLM_TESTS_PREPARED", "GLM_ACCEPTED", "HUMAN_INTERVENTION_REQUIRED"],
  GLM_TESTS_PREPARED: ["WORK_PACKAGES_CREATED", "GLM_ACCEPTED", "HUMAN_INTERVENTION_REQUIRED"],
  WORK_PACKAGES_CREATED: ["WORK_PACKAGES_ASSIGNED", "GLM_TESTS_PREPARED", "HUMAN_INTERVENTION_REQUIRED"],
  WORK_PACKAGES_ASSIGNED: [
    "GLM_TESTS_PREPARED",
    "GLM_ACCEPTED",
    "GLM_REJECTED_REPAIR_REQUIRED",
    "HUMAN_INTERVENTION_REQUIRED",
  ],
  GLM_REVIEW_IN_PROGRESS: [],
  GLM_REJECTED_REPAIR_REQUIRED: [
    "GLM_TESTS_PREPARED",
    "WORK_PACKAGES_ASSIGNED",
    "GLM_ACCEPTED",
    "HUMAN_INTERVENTION_REQUIRED",
  ],
  GLM_ACCEPTED: ["WORK_PACKAGES_CREATED", "CODEX_FINAL_REVIEW", "HUMAN_INTERVENTION_REQUIRED"],
  CODEX_FINAL_REVIEW: ["CODEX_ACCEPTED", "CODEX_REJECTED_REPAIR_REQUIRED", "HUMAN_INTERVENTION_REQUIRED"],
  CODEX_ACCEPTED: ["TASK_CLOSED"],
  CODEX_REJECTED_REPAIR_REQUIRED: [
    "GLM_GRACE_PLANNED",
    "WORK_PACKAGES_ASSIGNED",
    "HUMAN_INTERVENTION_REQUIRED",
  ],
  HUMAN_INTERVENTION_REQUIRED: [],
  TASK_CLOSED: ["NEXT_TASK_READY"],
  NEXT_TASK_READY: [],
};

/** Statuses an administrative force-transition refuses to leave without an explicit override. */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = [
  "TASK_CLOSED",
  "NEXT_TASK_READY",
  "CODEX_ACCEPTED",
];

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** Refuses a move the table does not allow, naming the task when known and where it may go instead. */
export function assertTaskTransition(from: TaskStatus, to: TaskStatus, taskId?: number): void {
  if (canTransitionTask(from, to)) return;
  const record = taskId === undefined ? null : `task ${taskId}`;
  throw invalidTransition("task", { from, to, record }, TASK_TRANSITIONS[from]);
}
