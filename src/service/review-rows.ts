import { stableJson } from "../ledger/json.js";
import { nowIso, type ServiceContext } from "./context.js";

export interface NewReview {
  targetType: "work_package" | "task";
  targetId: number;
  effectiveRole: string;
  decision: string;
  findings: unknown[];
  requiredFixes: unknown[];
}

/** Inserts one review row (immutable) inside the caller's transaction; returns its id. */
export function insertReview(ctx: ServiceContext, r: NewReview): number {
  return Number(
    ctx.db
      .prepare(
        `INSERT INTO reviews (target_type, target_id, reviewer_role, reviewer_agent, effective_role, decision,
           findings_json, required_fixes_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.targetType,
        r.targetId,
        ctx.actor.primaryRole,
        ctx.actor.name,
        r.effectiveRole,
        r.decision,
        stableJson(r.findings),
        stableJson(r.requiredFixes),
        nowIso(ctx),
      ).lastInsertRowid,
  );
}
