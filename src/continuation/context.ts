import fs from "node:fs";
import path from "node:path";
import { sessionForScope } from "../ledger/tables/controller-sessions.js";
import type { Db } from "../ledger/database.js";
import { findProject } from "../ledger/tables/projects.js";
import { findTask } from "../ledger/tables/tasks.js";
import { latestPackageReview, type ReviewRow } from "../ledger/tables/reviews.js";
import { findLatestSessionOfPackage } from "../ledger/tables/mimo-sessions.js";
import { findLatestSubmission } from "../ledger/tables/submissions.js";
import { findWorkPackage } from "../ledger/tables/work-packages.js";
import { parseRunId } from "./paths.js";

/**
 * Controller context rebuilt only from durable state: the trigger event, the
 * ledger rows and the run directory's files. Nothing here comes from a live session.
 */
export interface ContinuationContext {
  run_id: string;
  continuation_id: string;
  source_event_id: string;
  attempt_id: string;
  attempt_count: number;
  project_id: number | null;
  task_id: number | null;
  work_package_id: number | null;
  event_index: number;
  events_path: string;
  host_events_path: string;
  run_root: string;
  trigger_event: Record<string, unknown>;
  trigger_event_type: string;
  worker_id: string | null;
  worker_worktree: string | null;
  handoff_report_path: string | null;
  controller_metadata: Record<string, unknown>;
  controller_session_id: string | null;
  controller_state: {
    task_status: string | null;
    package_status: string | null;
    latest_review_decision: string | null;
  };
  project: Record<string, unknown> | null;
  task: Record<string, unknown> | null;
  package: Record<string, unknown> | null;
  module_id: string | null;
  verification_id: string | null;
  latest_session: Record<string, unknown> | null;
  latest_submission: Record<string, unknown> | null;
  latest_review: ReviewRow | null;
}

export interface Trigger {
  runId: string;
  continuationId: string;
  sourceEventId: string;
  attemptId: string;
  attemptCount: number;
  eventIndex: number;
  eventsPath: string;
  runRoot: string;
  event: Record<string, unknown>;
}

type Row = Record<string, unknown>;

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value : null;

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

function json<T>(value: unknown, fallback: T): T {
  if (typeof value !== "string") return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** A keyed read that never fails the context: no ledger, no id or an unreadable ledger give null. */
function guarded<T>(db: Db | null, id: number | null, read: (db: Db, id: number) => T | undefined): T | null {
  if (!db || id === null) return null;
  try {
    return read(db, id) ?? null;
  } catch {
    return null;
  }
}

/** A typed row as the plain record the context carries. */
function plainRow(row: object | undefined): Row | undefined {
  return row ? { ...row } : undefined;
}

function reportPath(
  runRoot: string,
  event: Record<string, unknown>,
  packageId: number | null,
): string | null {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const given = text(payload.report);
  if (given) return given;
  const dir = path.join(runRoot, "handoff");
  if (packageId !== null) {
    const own = path.join(dir, `WP-${packageId}.report.md`);
    if (fs.existsSync(own)) return own;
  }
  try {
    const reports = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".report.md"))
      .sort();
    return reports.length > 0 ? path.join(dir, reports[reports.length - 1]!) : null;
  } catch {
    return null;
  }
}

function controllerMetadata(runRoot: string): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const name of ["controller.json", "controller-session.json", "controller-state.json"]) {
    try {
      const value = JSON.parse(fs.readFileSync(path.join(runRoot, name), "utf8")) as unknown;
      if (value !== null && typeof value === "object" && !Array.isArray(value)) Object.assign(merged, value);
    } catch {
      // Missing or invalid metadata is ignored: the context is built from what is readable.
    }
  }
  return merged;
}

function sessionIdOf(meta: Record<string, unknown>): string | null {
  const nested = meta.controller as Record<string, unknown> | undefined;
  return (
    text(meta.controller_session_id) ??
    text(meta.session_id) ??
    text(meta.codex_session_id) ??
    (nested && typeof nested === "object" ? text(nested.session_id) : null)
  );
}

/**
 * The controller session to resume: the one the ledger recorded from the controller's own tool
 * calls on this package (else its task) wins over a session named in the run directory's files.
 */
function recordedSession(db: Db | null, taskId: number | null, packageId: number | null): string | null {
  if (!db || taskId === null) return null;
  return sessionForScope(db, taskId, packageId)?.session_id ?? null;
}

function moduleAndVerification(pkg: Row | null, session: Row | null): [string | null, string | null] {
  const discovery = json<Record<string, unknown>>(pkg?.contract_discovery_json, {});
  const first = (v: unknown) => (Array.isArray(v) ? text(v[0]) : null);
  let moduleId = first(discovery.module_refs);
  let verificationId = first(discovery.verification_refs);
  if (!moduleId) {
    const routing = json<Record<string, unknown>>(
      session?.session_routing_json ?? pkg?.session_routing_json,
      {},
    );
    moduleId = text(routing.workstream);
  }
  const anchor = /GRACE:([^:\s]+):([^:\s]+)/.exec(
    typeof pkg?.cache_anchor === "string" ? pkg.cache_anchor : "",
  );
  if (anchor) {
    moduleId = moduleId ?? anchor[1] ?? null;
    verificationId = verificationId ?? anchor[2] ?? null;
  }
  return [moduleId, verificationId];
}

export function buildContext(db: Db | null, trigger: Trigger): ContinuationContext {
  const ids = parseRunId(trigger.runId);
  const event = trigger.event;
  const projectId = num(event.project_id) ?? ids.projectId;
  const taskId = num(event.task_id) ?? ids.taskId;
  const packageId = num(event.work_package_id) ?? ids.packageId;
  const project = guarded(db, projectId, findProject) as Row | null;
  const task = guarded(db, taskId, findTask) as Row | null;
  const pkg = guarded(db, packageId, findWorkPackage);
  const session = guarded(db, packageId, (d, id) => plainRow(findLatestSessionOfPackage(d, id)));
  const submission = guarded(db, packageId, (d, id) => plainRow(findLatestSubmission(d, id)));
  const review = guarded(db, packageId, latestPackageReview);
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const meta = controllerMetadata(trigger.runRoot);
  const [moduleId, verificationId] = moduleAndVerification(pkg, session);
  if (submission) delete submission.diff; // the diff belongs in the worktree, not in a prompt
  return {
    run_id: trigger.runId,
    continuation_id: trigger.continuationId,
    source_event_id: trigger.sourceEventId,
    attempt_id: trigger.attemptId,
    attempt_count: trigger.attemptCount,
    project_id: projectId,
    task_id: taskId,
    work_package_id: packageId,
    event_index: trigger.eventIndex,
    events_path: trigger.eventsPath,
    host_events_path: path.join(trigger.runRoot, "host-events.ndjson"),
    run_root: trigger.runRoot,
    trigger_event: event,
    trigger_event_type: typeof event.type === "string" ? event.type : "",
    worker_id: text(event.worker) ?? text(pkg?.claimed_by_agent) ?? text(pkg?.assigned_junior_agent),
    worker_worktree: text(session?.workspace_path) ?? text(payload.workspace_path),
    handoff_report_path: reportPath(trigger.runRoot, event, packageId),
    controller_metadata: meta,
    controller_session_id: recordedSession(db, taskId, packageId) ?? sessionIdOf(meta),
    controller_state: {
      task_status: text(task?.status),
      package_status: text(pkg?.status),
      latest_review_decision: text(review?.decision),
    },
    project,
    task,
    package: pkg,
    module_id: moduleId,
    verification_id: verificationId,
    latest_session: session,
    latest_submission: submission,
    latest_review: review,
  };
}
