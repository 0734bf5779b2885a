/**
 * Which ledger rows become inbox items for whom: one row per rule, read by the inbox service.
 * `who` names the check on the bound actor; none of the checks writes anything.
 */
export type InboxWho =
  /** the package's claimer, by name, whatever its role */
  | "claimer"
  /** a worker_pro actor that is the package's assigned Pro */
  | "assigned_pro"
  /** the package's assigned junior, by name, whatever its role */
  | "assigned_junior"
  /** authorized in the project as glm (registration or an active delegation) */
  | "as_glm"
  /** authorized in the project as codex */
  | "as_codex"
  /** primary role user or codex */
  | "controller";

export type InboxKind = "work_package" | "package_review" | "final_review" | "task_gate" | "intervention";
export type InboxContextShape = "worker" | "titles" | "task_titles" | "intervention";

export interface InboxRule {
  priority: number;
  kind: InboxKind;
  who: InboxWho;
  /** Status → the tool the actor calls next. */
  tools: Readonly<Record<string, string>>;
  /** The role the item is assigned in; "actor" = the actor's own primary role. */
  role: "actor" | "glm" | "codex" | "worker_junior" | "worker_pro";
  /** Appended to the object's id key so one object can carry items of different kinds. */
  idSuffix: string;
  context: InboxContextShape;
}

export const PACKAGE_RULES: readonly InboxRule[] = [
  {
    priority: 1,
    kind: "work_package",
    who: "claimer",
    tools: { CLAIMED_JUNIOR: "submission.create", CLAIMED_PRO: "submission.create" },
    role: "actor",
    idSuffix: "",
    context: "worker",
  },
  {
    priority: 2,
    kind: "work_package",
    who: "assigned_pro",
    tools: { REPAIR_REQUIRED: "workpackage.claim" },
    role: "worker_pro",
    idSuffix: "",
    context: "worker",
  },
  {
    priority: 3,
    kind: "package_review",
    who: "as_glm",
    tools: { SUBMITTED: "review.glm_submit", GLM_REVIEW_IN_PROGRESS: "review.glm_submit" },
    role: "glm",
    idSuffix: "",
    context: "titles",
  },
  {
    priority: 5,
    kind: "work_package",
    who: "assigned_junior",
    tools: { ASSIGNED: "workpackage.claim" },
    role: "worker_junior",
    idSuffix: "",
    context: "worker",
  },
  {
    priority: 6,
    kind: "task_gate",
    who: "as_glm",
    tools: { CREATED: "workpackage.assign" },
    role: "glm",
    idSuffix: "",
    context: "titles",
  },
  {
    priority: 7,
    kind: "intervention",
    who: "controller",
    tools: { HUMAN_INTERVENTION_REQUIRED: "workpackage.get_summary" },
    role: "actor",
    idSuffix: ":intervention",
    context: "intervention",
  },
];

export const TASK_RULES: readonly InboxRule[] = [
  {
    priority: 4,
    kind: "final_review",
    who: "as_codex",
    tools: { GLM_ACCEPTED: "task.request_final_review", CODEX_FINAL_REVIEW: "review.codex_submit" },
    role: "codex",
    idSuffix: ":final-review",
    context: "task_titles",
  },
  {
    priority: 6,
    kind: "task_gate",
    who: "as_glm",
    tools: { CODEX_TASK_CREATED: "task.plan", GLM_GRACE_PLANNED: "verification.register_plan" },
    role: "glm",
    idSuffix: ":planning",
    context: "task_titles",
  },
  {
    priority: 7,
    kind: "intervention",
    who: "controller",
    tools: { HUMAN_INTERVENTION_REQUIRED: "task.get_summary" },
    role: "actor",
    idSuffix: ":intervention",
    context: "intervention",
  },
];

/** Statuses any package rule reads, so one query fetches every candidate. */
export function ruleStatuses(rules: readonly InboxRule[]): string[] {
  return [...new Set(rules.flatMap((r) => Object.keys(r.tools)))];
}

/** The argument each next tool takes for the object it acts on (review.glm_submit names it target_id). */
export const PACKAGE_ARGUMENT: Readonly<Record<string, string>> = {
  "review.glm_submit": "target_id",
};

/** Why a worker stops without finishing: fixed for every package. */
export const STOP_CONDITIONS = ["protected_test_touched", "forbidden_scope_touched", "identity_mismatch"];
