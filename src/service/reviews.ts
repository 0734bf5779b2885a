import { OrchestratorError } from "../domain/errors.js";
import type { PackageStatus } from "../domain/package-states.js";
import type { ReviewDecision } from "../domain/vocabulary.js";
import { gateFailureMessage, isGatePass } from "../gates/index.js";
import { eventsPath, runDir } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson } from "../ledger/json.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import { countPackageNonAcceptances, findReview } from "../ledger/tables/reviews.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";
import { loadPackage, loadTask, requireRole } from "./access.js";
import { recordReview } from "./record-review.js";
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

/** The GLM's decision, checked, with what it found. */
interface Verdict extends ReviewInput {
  decision: ReviewDecision;
}

/** The package under review, its task and the reviewer's effective role. */
interface Reviewed {
  pkg: PackageRow;
  task: TaskRow;
  role: string;
}

function loadReviewable(ctx: ServiceContext, packageId: number): Reviewed {
  const { pkg, task } = loadWork(ctx, packageId);
  const role = requireRole(ctx, "glm", task.project_id, task.id);
  if (pkg.status !== "SUBMITTED") {
    throw new OrchestratorError(
      `GLM review requires a SUBMITTED work package (package ${pkg.id} is ${pkg.status})`,
    );
  }
  return { pkg, task, role };
}

/** Acceptance needs a latest worker submission whose report passed its gate. */
function requirePassingSubmission(ctx: ServiceContext, packageId: number): void {
  const latest = latestSubmission(ctx, packageId);
  if (!latest)
    throw new OrchestratorError(
      `GLM acceptance requires a worker submission (work package ${packageId} has none)`,
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

/** Where the package goes; counted before this review is stored, so it is not among the rejections. */
function packageOutcome(ctx: ServiceContext, packageId: number, accepted: boolean): PackageStatus {
  if (accepted) return "GLM_ACCEPTED";
  return countPackageNonAcceptances(ctx.db, packageId) >= CIRCUIT_BREAKER_REJECTIONS
    ? "HUMAN_INTERVENTION_REQUIRED"
    : "REPAIR_REQUIRED";
}

/** Moves the package through review to its outcome, stores the review, audits it and runs the hook. */
function resolvePackage(
  ctx: ServiceContext,
  { pkg, task, role }: Reviewed,
  verdict: Verdict,
  outcome: PackageStatus,
): number {
  const { decision } = verdict;
  transitionPackage(ctx, pkg.id, "SUBMITTED", "GLM_REVIEW_IN_PROGRESS", role, "work_package.review_started");
  transitionPackage(ctx, pkg.id, "GLM_REVIEW_IN_PROGRESS", outcome, role, "work_package.review_resolved");
  const reviewId = recordReview(ctx, {
    targetType: "work_package",
    targetId: pkg.id,
    effectiveRole: role,
    decision,
    findings: verdict.findings,
    requiredFixes: verdict.required_fixes,
  });
  audit(ctx, role, "review.glm_submitted", "review", reviewId, { decision, work_package_id: pkg.id });
  const target = { projectId: task.project_id, taskId: task.id, packageId: pkg.id };
  const hook = decision === "accepted" ? "on_glm_accepted" : "on_glm_rejected";
  dispatchHook(ctx, hook, target, { review_id: reviewId }, role);
  return reviewId;
}

/**
 * The task follows its packages: accepted once every live package is, repair required on any
 * rejection (audited again, not re-entered, when it already is).
 */
function deriveTaskStatus(ctx: ServiceContext, { pkg, task, role }: Reviewed, accepted: boolean): void {
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
}

interface Resolution {
  reviewId: number;
  outcome: PackageStatus;
}

/** Tells the controller how its review resolved, through the handoff outbox; audited. */
function emitReviewResolved(
  ctx: ServiceContext,
  { pkg, task, role }: Reviewed,
  { decision, findings, required_fixes }: Verdict,
  { reviewId, outcome }: Resolution,
): ReturnType<typeof emitEvent> {
  const type = decision === "accepted" ? "CONTROLLER_ACCEPTED" : "CONTROLLER_REWORK_REQUESTED";
  const emitted = emitEvent(ctx, pkg, task, type, ctx.actor.name, {
    review_id: reviewId,
    decision,
    findings,
    required_fixes,
    package_status: outcome,
  });
  audit(ctx, role, "handoff.controller_review_resolved", "review", reviewId, {
    review_id: reviewId,
    event_type: type,
    events_path: eventsPath(ctx.dataDir, emitted.run),
  });
  return emitted;
}

/** The stored review with the statuses it left and the event it emitted. */
function reviewAnswer(
  ctx: ServiceContext,
  { pkg, task }: Reviewed,
  reviewId: number,
  emitted: ReturnType<typeof emitEvent>,
) {
  return {
    ...findReview(ctx.db, reviewId),
    work_package_status: loadPackage(ctx, pkg.id).status,
    task_status: loadTask(ctx, task.id).status,
    handoff_event: {
      ...emitted.event,
      events_path: eventsPath(ctx.dataDir, emitted.run),
      run_root: runDir(ctx.dataDir, emitted.run),
    },
  };
}

/** review.glm_submit: both package transitions, the review, hooks, task derivation and the outbox event in one transaction. */
export function submitGlmReview(ctx: ServiceContext, input: GlmReviewInput) {
  const verdict: Verdict = {
    decision: parseDecision("GLM", input.decision, `work package ${input.target_id}`),
    findings: input.findings,
    required_fixes: input.required_fixes,
  };
  const accepted = verdict.decision === "accepted";
  const { result, run } = inTransaction(ctx.db, () => {
    const reviewed = loadReviewable(ctx, input.target_id);
    if (accepted) requirePassingSubmission(ctx, reviewed.pkg.id);
    const outcome = packageOutcome(ctx, reviewed.pkg.id, accepted);
    const reviewId = resolvePackage(ctx, reviewed, verdict, outcome);
    deriveTaskStatus(ctx, reviewed, accepted);
    const emitted = emitReviewResolved(ctx, reviewed, verdict, { reviewId, outcome });
    return { result: reviewAnswer(ctx, reviewed, reviewId, emitted), run: emitted.run };
  });
  ctx.events.publish([run]);
  return result;
}
