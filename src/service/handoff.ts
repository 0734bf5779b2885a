import { OrchestratorError } from "../domain/errors.js";
import type { Role } from "../domain/roles.js";
import {
  WORKER_REPORTABLE,
  isHandoffEventType,
  type HandoffEvent,
  type HandoffEventType,
} from "../handoff/event-types.js";
import { appendEvent, toEvent, type EventRow } from "../handoff/outbox.js";
import { eventsPath, runDir, type RunIds } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { waitUntil } from "../signal/wait-until.js";
import type { PackageRow, TaskRow } from "../ledger/rows.js";
import { loadPackage, loadTask, requirePackageRead, requireRole, requireWorker } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { eventPage } from "./event-views.js";

export function runIdsOf(pkg: PackageRow, task: TaskRow): RunIds {
  return { projectId: task.project_id, taskId: task.id, packageId: pkg.id };
}

/** Writes a handoff event into the outbox inside the caller's transaction; publish the returned run after commit. */
export function emitEvent(
  ctx: ServiceContext,
  pkg: PackageRow,
  task: TaskRow,
  type: HandoffEventType,
  worker: string,
  payload: Record<string, unknown>,
): { event: HandoffEvent; run: RunIds } {
  const run = runIdsOf(pkg, task);
  const row = appendEvent(ctx.db, { ...run, type, worker, payload, createdAt: nowIso(ctx) });
  return { event: toEvent(row), run };
}

function withPaths(ctx: ServiceContext, event: HandoffEvent, run: RunIds) {
  return { ...event, events_path: eventsPath(ctx.dataDir, run), run_root: runDir(ctx.dataDir, run) };
}

function packageEvents(ctx: ServiceContext, packageId: number): HandoffEvent[] {
  return (
    ctx.db
      .prepare("SELECT * FROM handoff_events WHERE work_package_id = ? ORDER BY seq")
      .all(packageId) as EventRow[]
  ).map(toEvent);
}

function taskEvents(ctx: ServiceContext, taskId: number): HandoffEvent[] {
  return (
    ctx.db.prepare("SELECT * FROM handoff_events WHERE task_id = ? ORDER BY id").all(taskId) as EventRow[]
  ).map(toEvent);
}

export function listEvents(ctx: ServiceContext, packageId: number) {
  const pkg = loadPackage(ctx, packageId);
  const task = loadTask(ctx, pkg.task_id);
  requireRole(ctx, "codex", task.project_id, task.id);
  const all = packageEvents(ctx, pkg.id);
  // Only the first page: a long history is read on with list_events_page from next_after_id.
  const events = eventPage(all);
  const hasMore = events.length < all.length;
  return {
    events,
    event_count: all.length,
    has_more: hasMore,
    next_after_id: hasMore ? events[events.length - 1]!.event_id : null,
  };
}

/** Position after a cursor: an event id, or a 1-based position given as a string (reference §7.5). */
function positionAfter(events: readonly HandoffEvent[], cursor: string | undefined): number {
  const text = cursor?.trim();
  if (!text || text === "0") return 0;
  const index = events.findIndex((e) => e.event_id === text);
  if (index >= 0) return index + 1;
  if (/^\d+$/.test(text) && Number(text) <= events.length) return Number(text);
  throw new OrchestratorError(`Unknown after_event_id cursor: '${text}'`);
}

export function listEventsPage(
  ctx: ServiceContext,
  packageId: number,
  afterEventId: string | undefined,
  limit: number,
) {
  const pkg = loadPackage(ctx, packageId);
  const task = loadTask(ctx, pkg.task_id);
  requirePackageRead(ctx, pkg, task);
  const size = Math.min(200, Math.max(1, Math.trunc(limit)));
  const events = packageEvents(ctx, pkg.id);
  const start = positionAfter(events, afterEventId);
  const items = eventPage(events.slice(start, start + size));
  const hasMore = start + items.length < events.length;
  return {
    items,
    has_more: hasMore,
    next_after_id: hasMore ? items[items.length - 1]!.event_id : null,
    limit: size,
  };
}

export interface ReportInput {
  work_package_id: number;
  event_type: string;
  message: string;
}

/** The worker role a claimer acts in: the claim state says it; after submission, the assignment does (quirk 4 fixed). */
function claimerRole(pkg: PackageRow): Role {
  if (pkg.status === "CLAIMED_JUNIOR") return "worker_junior";
  if (pkg.status === "CLAIMED_PRO") return "worker_pro";
  return pkg.claimed_by_agent === pkg.assigned_junior_agent ? "worker_junior" : "worker_pro";
}

export function reportWorkerEvent(ctx: ServiceContext, input: ReportInput) {
  if (!isHandoffEventType(input.event_type) || !WORKER_REPORTABLE.includes(input.event_type)) {
    throw new OrchestratorError(
      `Workers may report only WORKER_BLOCKED, WORKER_NEEDS_CONTROLLER, or WORKER_FAILED as event_type, got '${input.event_type}'`,
    );
  }
  const type = input.event_type;
  const message = input.message.trim();
  if (!message) throw new OrchestratorError("Worker handoff event requires a non-empty message");
  const { event, run } = inTransaction(ctx.db, () => {
    const pkg = loadPackage(ctx, input.work_package_id);
    const task = loadTask(ctx, pkg.task_id);
    if (pkg.claimed_by_agent !== ctx.actor.name) {
      throw new OrchestratorError(
        `Only the currently claimed worker may report a handoff event: work package ${pkg.id} is claimed by ${pkg.claimed_by_agent ?? "nobody"}, not ${ctx.actor.name}`,
      );
    }
    if (pkg.status === "GLM_ACCEPTED" || pkg.status === "CANCELLED") {
      throw new OrchestratorError(`Work package ${pkg.id} is ${pkg.status}; it takes no more worker events`);
    }
    const role = claimerRole(pkg);
    const assigned = role === "worker_junior" ? pkg.assigned_junior_agent : pkg.assigned_pro_agent;
    const effective = requireWorker(ctx, role, task.project_id, task.id, assigned);
    const emitted = emitEvent(ctx, pkg, task, type, ctx.actor.name, { message });
    audit(ctx, effective, "handoff.worker_reported", "work_package", pkg.id, emitted.event);
    return emitted;
  });
  ctx.events.publish([run]);
  return withPaths(ctx, event, run);
}

function newestPath(dataDir: string, events: readonly HandoffEvent[]): string | null {
  const e = events[events.length - 1];
  return e
    ? eventsPath(dataDir, { projectId: e.project_id, taskId: e.task_id, packageId: e.work_package_id })
    : null;
}

export interface WaitInput {
  work_package_id?: number | undefined;
  task_id?: number | undefined;
  after_event_count?: number | undefined;
  after_event_id?: string | undefined;
  timeout_seconds?: number | undefined;
}

export interface WaitLimits {
  toolCallLimitSeconds: number;
  transportGraceSeconds: number;
}

/** What the caller's transport offers a long wait; the tool layer maps MCP cancel and progress onto it. */
export interface WaitControl {
  signal: AbortSignal;
  progress(progress: number, message: string): Promise<void>;
}

const PROGRESS_EVERY_MS = 5_000;

/** Reference §7.6 timing, bounded by the client's tool-call limit so the answer always arrives in time. */
export function waitBudget(timeoutSeconds: number, limits: WaitLimits) {
  const returnGrace = Math.min(5, Math.max(0.1, timeoutSeconds * 0.02));
  const requested = Math.max(0, timeoutSeconds - returnGrace);
  const transport = Math.max(0.1, limits.toolCallLimitSeconds - limits.transportGraceSeconds);
  return { requested: timeoutSeconds, effective: Math.min(requested, transport) };
}

export async function waitForEvent(
  ctx: ServiceContext,
  input: WaitInput,
  limits: WaitLimits,
  control: WaitControl,
) {
  if ((input.work_package_id === undefined) === (input.task_id === undefined)) {
    throw new OrchestratorError(
      "Waiting requires exactly one of work_package_id (one package) or task_id (every package of a task)",
    );
  }
  if (input.after_event_count !== undefined && input.after_event_id !== undefined) {
    throw new OrchestratorError("Waiting accepts after_event_count or after_event_id, not both");
  }
  let task: TaskRow;
  let read: () => HandoffEvent[];
  let channel: string;
  let path: string | null = null;
  if (input.work_package_id !== undefined) {
    const pkg = loadPackage(ctx, input.work_package_id);
    task = loadTask(ctx, pkg.task_id);
    read = () => packageEvents(ctx, pkg.id);
    channel = `package-${pkg.id}`;
    path = eventsPath(ctx.dataDir, runIdsOf(pkg, task));
  } else {
    task = loadTask(ctx, input.task_id!);
    const taskId = task.id;
    read = () => taskEvents(ctx, taskId);
    channel = `task-${taskId}`;
  }
  requireRole(ctx, "codex", task.project_id, task.id);
  const budget = waitBudget(input.timeout_seconds ?? 600, limits);
  // A count beyond what exists simply means "nothing new yet"; an unknown event id is an error.
  const start = (all: readonly HandoffEvent[]) =>
    input.after_event_id !== undefined
      ? positionAfter(all, input.after_event_id)
      : (input.after_event_count ?? 0);
  const started = Date.now();
  const deadline = started + budget.effective * 1000;
  const result = (status: "event" | "timeout" | "cancelled", all: HandoffEvent[], fresh: HandoffEvent[]) => {
    // More new events than one answer holds: the cursor stops at the last one shown, so none is skipped.
    const shown = eventPage(fresh);
    const cursorAt = shown.length < fresh.length ? shown[shown.length - 1] : all[all.length - 1];
    return {
      status,
      events: shown,
      has_more: shown.length < fresh.length,
      event_count: all.length,
      next_after_event_id: cursorAt ? cursorAt.event_id : null,
      // A task-wide wait spans packages: it names the file of the newest event it knows of.
      events_path: path ?? newestPath(ctx.dataDir, all),
      requested_timeout_seconds: budget.requested,
      effective_timeout_seconds: budget.effective,
      waited_ms: Date.now() - started,
    };
  };
  let ticks = 0;
  const outcome = await waitUntil(
    ctx.signal,
    channel,
    () => {
      const all = read();
      const fresh = all.slice(start(all));
      return fresh.length > 0 ? { all, fresh } : undefined;
    },
    {
      deadline,
      abort: control.signal,
      sliceMs: PROGRESS_EVERY_MS,
      onSlice: () => control.progress(++ticks, `waiting for a handoff event on ${channel}`),
    },
  );
  if (outcome.status === "ready") return result("event", outcome.value.all, outcome.value.fresh);
  return result(outcome.status === "aborted" ? "cancelled" : "timeout", read(), []);
}
