import { stableJson } from "../ledger/json.js";
import { insertReview, type ReviewTargetType } from "../ledger/tables/reviews.js";
import { nowIso, type ServiceContext } from "./context.js";

export interface NewReview {
  targetType: ReviewTargetType;
  targetId: number;
  effectiveRole: string;
  decision: string;
  findings: unknown[];
  requiredFixes: unknown[];
}

/** Records a review by the calling actor, now, inside the caller's transaction; returns its id. */
export function recordReview(ctx: ServiceContext, r: NewReview): number {
  return insertReview(ctx.db, {
    target_type: r.targetType,
    target_id: r.targetId,
    reviewer_role: ctx.actor.primaryRole,
    reviewer_agent: ctx.actor.name,
    effective_role: r.effectiveRole,
    decision: r.decision,
    findings_json: stableJson(r.findings),
    required_fixes_json: stableJson(r.requiredFixes),
    created_at: nowIso(ctx),
  });
}
