import { OrchestratorError } from "../domain/errors.js";
import type { PackageStatus } from "../domain/package-states.js";
import { gateFailureMessage, isGatePass } from "../gates/index.js";
import { eventsPath, runDir } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson } from "../ledger/json.js";
import { loadPackage, loadTask, requireRole } from "./access.js";
import { insertReview } from "./review-rows.js";
import { audit, type ServiceContext } from "./context.js";
import { emitEvent } from "./handoff.js";
import { dispatchHook } from "./hooks.js";
import { parseDecision, type ReviewInput } from "./review-input.js";
import { transitionPackage, transitionTask } from "./transitions.js";
import { latestSubmission, livePackages, loadWork } from "./work-items.js";

/** The third non-accepted review of one package pauses it for a human. */
export const CIRCUIT_BREAKER_REJECTIONS = 2;

export interface GlmReviewInput extends ReviewInput {
  target_id: number;
}

function earlierRejections(ctx: ServiceContext, packageId: number): number {
  return (
    ctx.db
      .prepare(
        "SELECT COUNT(*) AS c FROM reviews WHERE target_type = 'work_package' AND target_id = ? AND decision != 'accepted'",
      )
      .get(packageId) as { c: number }
  ).c;
}

/** review.glm_submit: both package transitions, the review, hooks, task derivation and the outbox event in one transaction. */
export function submitGlmReview(ctx: ServiceContext, input: GlmReviewInput) {
  const decision = parseDecision("GLM", input.decision);
  const { result, run } = inTransaction(ctx.db, () => {
    const { pkg, task } = loadWork(ctx, input.target_id);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    if (pkg.status !== "SUBMITTED") {
      throw new OrchestratorError(
        `GLM review requires a SUBMITTED work package (package ${pkg.id} is ${pkg.status})`,
      );
    }
    const accepted = decision === "accepted";
    if (accepted) {
      const latest = latestSubmission(ctx, pkg.id);
      if (!latest)
        throw new OrchestratorError(
          `GLM acceptance requires a worker submission (work package ${pkg.id} has none)`,
        );
      const validation = parseJson<{ status?: unknown; issues?: string[] }>(
        latest.worker_report_validation_json,
        {},
      );
      if (!isGatePass(validation.status)) {
        throw new OrchestratorError(
          gateFailureMessage("GLM acceptance worker report gate", validation.issues ?? []),
        );
      }
    }
    const outcome: PackageStatus = accepted
      ? "GLM_ACCEPTED"
      : earlierRejections(ctx, pkg.id) >= CIRCUIT_BREAKER_REJECTIONS
        ? "HUMAN_INTERVENTION_REQUIRED"
        : "REPAIR_REQUIRED";
    transitionPackage(
      ctx,
      pkg.id,
      "SUBMITTED",
      "GLM_REVIEW_IN_PROGRESS",
      role,
      "work_package.review_started",
    );
    transitionPackage(ctx, pkg.id, "GLM_REVIEW_IN_PROGRESS", outcome, role, "work_package.review_resolved");
    const reviewId = insertReview(ctx, {
      targetType: "work_package",
      targetId: pkg.id,
      effectiveRole: role,
      decision,
      findings: input.findings,
      requiredFixes: input.required_fixes,
    });
    audit(ctx, role, "review.glm_submitted", "review", reviewId, { decision, work_package_id: pkg.id });
    const target = { projectId: task.project_id, taskId: task.id, packageId: pkg.id };
    dispatchHook(
      ctx,
      accepted ? "on_glm_accepted" : "on_glm_rejected",
      target,
      { review_id: reviewId },
      role,
    );

    const current = loadTask(ctx, task.id);
    if (accepted) {
      if (livePackages(ctx, task.id).every((p) => p.status === "GLM_ACCEPTED")) {
        transitionTask(ctx, current, "GLM_ACCEPTED", role, "task.glm_accepted");
      }
    } else if (current.status === "GLM_REJECTED_REPAIR_REQUIRED") {
      audit(ctx, role, "task.glm_repair_required_reaffirmed", "task", task.id, { work_package_id: pkg.id });
    } else {
      transitionTask(ctx, current, "GLM_REJECTED_REPAIR_REQUIRED", role, "task.glm_repair_required");
    }
    const type = accepted ? "CONTROLLER_ACCEPTED" : "CONTROLLER_REWORK_REQUESTED";
    const emitted = emitEvent(ctx, pkg, task, type, ctx.actor.name, {
      review_id: reviewId,
      decision,
      findings: input.findings,
      required_fixes: input.required_fixes,
      package_status: outcome,
    });
    audit(ctx, role, "handoff.controller_review_resolved", "review", reviewId, {
      review_id: reviewId,
      event_type: type,
      events_path: eventsPath(ctx.dataDir, emitted.run),
    });
    const review = ctx.db.prepare("SELECT * FROM reviews WHERE id = ?").get(reviewId) as Record<
      string,
      unknown
    >;
    return {
      result: {
        ...review,
        work_package_status: loadPackage(ctx, pkg.id).status,
        task_status: loadTask(ctx, task.id).status,
        handoff_event: {
          ...emitted.event,
          events_path: eventsPath(ctx.dataDir, emitted.run),
          run_root: runDir(ctx.dataDir, emitted.run),
        },
      },
      run: emitted.run,
    };
  });
  ctx.events.publish([run]);
  return result;
}
