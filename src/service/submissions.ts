import { OrchestratorError } from "../domain/errors.js";
import { WORKER_ROLES, type Role } from "../domain/roles.js";
import {
  CONTROLLER_REPAIR_GATE_LABEL,
  FsRepoReader,
  WORKER_REPORT_GATE_LABEL,
  loadPolicy,
  requireGatePass,
  validateWorkerReport,
  type GateResult,
} from "../gates/index.js";
import { deriveEvidence, type SubmissionEvidence } from "../git/evidence.js";
import type { HandoffEventType } from "../handoff/event-types.js";
import { eventsPath, reportPath, runDir } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import { findSubmission, insertSubmission } from "../ledger/tables/submissions.js";
import { requireProjectMember, requireRole, requireWorker } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { emitEvent, runIdsOf } from "./handoff.js";
import { dispatchHook, scopeOf } from "./hooks.js";
import { submissionView } from "./projections.js";
import { writeReport } from "./submission-report.js";
import { submissionScopeViolation } from "./submission-scope.js";
import { transitionPackage } from "./transitions.js";
import { loadWork, pkgStatus, requireUnchanged, type Work } from "./work-items.js";

export interface SubmissionInput {
  work_package_id: number;
  summary: string;
  head_commit: string;
  tests_run: Record<string, unknown>[];
  risk_notes: string;
  worker_report: Record<string, unknown>;
}

export interface ControllerRepairInput extends Omit<SubmissionInput, "worker_report"> {
  controller_report: Record<string, unknown>;
}

/** Git evidence (never from the caller), scope check and report gate: everything async, before the transaction. */
async function checkedEvidence(
  w: Work,
  head: string,
  report: Record<string, unknown>,
  gateLabel: string,
): Promise<{ evidence: SubmissionEvidence; validation: GateResult }> {
  const evidence = await deriveEvidence(w.project.repo_path, String(w.pkg["base_commit"]), head);
  const violation = submissionScopeViolation(evidence, [
    { owner: `work package ${w.pkg.id}`, row: w.pkg },
    { owner: `task ${w.task.id}`, row: w.task },
  ]);
  if (violation !== null) throw new OrchestratorError(violation);
  const { allowed, forbidden } = scopeOf(w.pkg);
  if (evidence.base_commit !== w.pkg["base_commit"]) {
    throw new OrchestratorError(
      `Submission base commit ${evidence.base_commit} does not match work package ${w.pkg.id} base commit ${String(w.pkg["base_commit"])}`,
    );
  }
  const validation = validateWorkerReport(report, {
    taskId: w.task.id,
    packageId: w.pkg.id,
    allowed,
    forbidden,
    evidenceFiles: evidence.changed_files,
    policy: loadPolicy(new FsRepoReader(w.project.repo_path)),
  });
  requireGatePass(gateLabel, validation);
  return { evidence, validation };
}

interface Recording {
  role: string;
  gateAudit: string;
  createdAudit: string;
  submittedAudit: string;
  eventType: HandoffEventType;
  handoffAudit: string;
  controllerRepair: boolean;
}

/** The one transaction of a submission: row, audits, SUBMITTED, hook, outbox event. */
function recordSubmission(
  ctx: ServiceContext,
  w: Work,
  input: SubmissionInput,
  checked: { evidence: SubmissionEvidence; validation: GateResult },
  rec: Recording,
) {
  const { evidence, validation } = checked;
  const files = stableJson(evidence.changed_files);
  const id = insertSubmission(ctx.db, {
    work_package_id: w.pkg.id,
    submitted_by_agent: ctx.actor.name,
    base_commit: evidence.base_commit,
    head_commit: evidence.head_commit,
    diff: evidence.diff,
    diff_hash: evidence.diff_sha256,
    summary: input.summary,
    tests_run_json: stableJson(input.tests_run),
    files_changed_json: files,
    worker_report_json: stableJson(input.worker_report),
    worker_report_validation_json: stableJson(validation),
    risk_notes: input.risk_notes,
    created_at: nowIso(ctx),
  });
  audit(ctx, rec.role, rec.gateAudit, "submission", id, validation);
  audit(ctx, rec.role, rec.createdAudit, "submission", id, {
    work_package_id: w.pkg.id,
    diff_hash: evidence.diff_sha256,
  });
  transitionPackage(ctx, w.pkg.id, pkgStatus(w.pkg), "SUBMITTED", rec.role, rec.submittedAudit);
  dispatchHook(
    ctx,
    "on_submission_created",
    { projectId: w.task.project_id, taskId: w.task.id, packageId: w.pkg.id },
    { submission_id: id, files_changed: evidence.changed_files, controller_repair: rec.controllerRepair },
    rec.role,
  );
  const run = runIdsOf(w.pkg, w.task);
  const report = reportPath(ctx.dataDir, run);
  const { event } = emitEvent(ctx, w.pkg, w.task, rec.eventType, ctx.actor.name, {
    submission_id: id,
    head_commit: evidence.head_commit,
    report,
  });
  audit(ctx, rec.role, rec.handoffAudit, "work_package", w.pkg.id, {
    submission_id: id,
    events_path: eventsPath(ctx.dataDir, run),
    report,
  });
  return {
    submission: findSubmission(ctx.db, id)!,
    event,
    run,
    files,
  };
}

/** After commit: the report file first, then the wake, so a woken controller finds the report. */
function publishSubmission(
  ctx: ServiceContext,
  w: Work,
  input: SubmissionInput,
  done: ReturnType<typeof recordSubmission>,
) {
  // The submission is committed: whatever happens to the report file, the event is projected and
  // the controller woken (a missing report is rewritten by the next submission or read from the ledger).
  let path: string;
  try {
    path = writeReport(ctx.dataDir, done.run, {
      packageTitle: w.pkg.title,
      packageId: w.pkg.id,
      submitter: ctx.actor.name,
      baseCommit: done.submission.base_commit,
      headCommit: done.submission.head_commit,
      filesChangedJson: done.files,
      testsRunJson: stableJson(input.tests_run),
      summary: input.summary,
      riskNotes: input.risk_notes,
    });
  } finally {
    ctx.events.publish([done.run]);
  }
  return {
    ...submissionView(done.submission),
    handoff_event: {
      ...done.event,
      events_path: eventsPath(ctx.dataDir, done.run),
      run_root: runDir(ctx.dataDir, done.run),
    },
    handoff_report_path: path,
  };
}

/** The worker role a claimer submits in: fixed by the claim state. */
function submitterRole(w: Work): Role {
  if (w.pkg.status === "CLAIMED_JUNIOR") return "worker_junior";
  if (w.pkg.status === "CLAIMED_PRO") return "worker_pro";
  throw new OrchestratorError(
    `Work package ${w.pkg.id} is ${w.pkg.status}; only a claimed package can be submitted`,
  );
}

function authorizeSubmitter(ctx: ServiceContext, w: Work): string {
  const me = ctx.actor.name;
  if (WORKER_ROLES.includes(ctx.actor.primaryRole)) {
    if (![w.pkg.claimed_by_agent, w.pkg.assigned_junior_agent, w.pkg.assigned_pro_agent].includes(me)) {
      throw new OrchestratorError(`Worker ${me} is not authorized for package ${w.pkg.id}`);
    }
  } else if (ctx.actor.primaryRole !== "codex") {
    requireProjectMember(ctx, w.task.project_id, w.task.id);
  }
  if (w.pkg.claimed_by_agent !== me) {
    throw new OrchestratorError(
      `Only the worker that claimed a package may submit it: work package ${w.pkg.id} is claimed by ${w.pkg.claimed_by_agent ?? "nobody"}`,
    );
  }
  const role = submitterRole(w);
  const assigned = role === "worker_junior" ? w.pkg.assigned_junior_agent : w.pkg.assigned_pro_agent;
  return requireWorker(ctx, role, w.task.project_id, w.task.id, assigned);
}

/** submission.create: evidence from git between the package base and the given head. */
export async function createSubmission(ctx: ServiceContext, input: SubmissionInput) {
  const before = loadWork(ctx, input.work_package_id);
  authorizeSubmitter(ctx, before);
  const checked = await checkedEvidence(
    before,
    input.head_commit,
    input.worker_report,
    WORKER_REPORT_GATE_LABEL,
  );
  const done = inTransaction(ctx.db, () => {
    const w = loadWork(ctx, input.work_package_id);
    requireUnchanged(before.pkg, w.pkg);
    const role = authorizeSubmitter(ctx, w);
    return recordSubmission(ctx, w, input, checked, {
      role,
      gateAudit: "gate.validate_worker_report",
      createdAudit: "submission.created",
      submittedAudit: "work_package.submitted",
      eventType: "WORKER_READY_FOR_REVIEW",
      handoffAudit: "handoff.worker_ready_for_review",
      controllerRepair: false,
    });
  });
  return publishSubmission(ctx, before, input, done);
}

function authorizeControllerRepair(ctx: ServiceContext, w: Work): string {
  const role = requireRole(ctx, "codex", w.task.project_id, w.task.id);
  if (w.pkg.status !== "REPAIR_REQUIRED") {
    throw new OrchestratorError(
      `Controller repair submission requires a REPAIR_REQUIRED package (work package ${w.pkg.id} is ${w.pkg.status})`,
    );
  }
  if (w.task.status !== "GLM_REJECTED_REPAIR_REQUIRED") {
    throw new OrchestratorError(
      `Controller repair submission requires a GLM_REJECTED_REPAIR_REQUIRED task (task ${w.task.id} is ${w.task.status})`,
    );
  }
  return role;
}

/** submission.controller_repair: Codex repairs a rejected package itself. */
export async function createControllerRepair(ctx: ServiceContext, input: ControllerRepairInput) {
  const before = loadWork(ctx, input.work_package_id);
  authorizeControllerRepair(ctx, before);
  const asSubmission: SubmissionInput = { ...input, worker_report: input.controller_report };
  const checked = await checkedEvidence(
    before,
    input.head_commit,
    input.controller_report,
    CONTROLLER_REPAIR_GATE_LABEL,
  );
  const done = inTransaction(ctx.db, () => {
    const w = loadWork(ctx, input.work_package_id);
    requireUnchanged(before.pkg, w.pkg);
    const role = authorizeControllerRepair(ctx, w);
    return recordSubmission(ctx, w, asSubmission, checked, {
      role,
      gateAudit: "gate.validate_controller_repair_report",
      createdAudit: "submission.controller_repair_created",
      submittedAudit: "work_package.controller_repair_submitted",
      eventType: "CONTROLLER_REPAIR_SUBMITTED",
      handoffAudit: "handoff.controller_repair_submitted",
      controllerRepair: true,
    });
  });
  return publishSubmission(ctx, before, asSubmission, done);
}
