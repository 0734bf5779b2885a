/** Fixed sets that tool arguments take, kept here so the schemas and the services share one list. */

/** A review's decision, GLM's or Codex's. */
export const REVIEW_DECISIONS = ["accepted", "rejected_repair_required", "blocked"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** What an administrative force-transition can change; both package spellings are accepted. */
export const FORCE_ENTITY_TYPES = ["task", "work_package", "workpackage"] as const;
