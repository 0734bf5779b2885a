import { notOneOf, OrchestratorError, recordName } from "../domain/errors.js";
import { TERMINAL_PACKAGE_STATUSES } from "../domain/package-states.js";
import type { Role } from "../domain/roles.js";
import {
  WORKER_REPORTABLE,
  isHandoffEventType,
  type HandoffEvent,
  type HandoffEventType,
} from "../handoff/event-types.js";
import {
  packageSource,
  readSnapshot,
  resolveCount,
  resolveCursor,
  taskSource,
  type EventSource,
} from "../handoff/event-cursor.js";
import { appendEvent, toEvent } from "../handoff/outbox.js";
import { eventsPath, runDir, type RunIds } from "../handoff/run-paths.js";
import { inTransaction } from "../ledger/database.js";
import { nthNewestEventTime } from "../ledger/tables/handoff-events.js";
import { waitUntil } from "../signal/wait-until.js";
import type { TaskRow } from "../ledger/tables/tasks.js";
import type { PackageRow } from "../ledger/tables/work-packages.js";
import { loadPackage, loadTask, requirePackageRead, requireRole, requireWorker } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { WAIT_LIST_BUDGET_BYTES } from "../domain/limits.js";
import { eventPage } from "./event-views.js";
import { handOverThenUnmark, heldPage, type HeldEvent } from "./handover.js";
import { hostPaths } from "../continuation/paths.js";
import { ownStartTime, writeWaiterMark } from "../continuation/waiter-mark.js";

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

/** Most events one read takes before an answer is fitted to its byte budget. */
const READ_PAGE = 200;

export function listEvents(ctx: ServiceContext, packageId: number) {
  const pkg = loadPackage(ctx, packageId);
  const task = loadTask(ctx, pkg.task_id);
  requireRole(ctx, "codex", task.project_id, task.id);
  return readSnapshot(ctx.db, () => {
    const source = packageSource(ctx.db, pkg.id);
    const count = source.count();
    // Only the first page: a long history is read on with list_events_page from next_after_id.
    const events = eventPage(source.after(0, READ_PAGE));
    const hasMore = events.length < count;
    return {
      events,
      event_count: count,
      has_more: hasMore,
      next_after_id: hasMore ? events[events.length - 1]!.event_id : null,
    };
  });
}

export function listEventsPage(
  ctx: ServiceContext,
  packageId: number,
  afterEventId: string | null | undefined,
  limit: number,
) {
  const pkg = loadPackage(ctx, packageId);
  const task = loadTask(ctx, pkg.task_id);
  requirePackageRead(ctx, pkg, task);
  const size = Math.min(READ_PAGE, Math.max(1, Math.trunc(limit)));
  return readSnapshot(ctx.db, () => {
    const source = packageSource(ctx.db, pkg.id);
    const read = source.after(resolveCursor(source, afterEventId), size + 1);
    const items = eventPage(read.slice(0, size));
    const hasMore = items.length < read.length;
    return {
      items,
      has_more: hasMore,
      next_after_id: hasMore ? items[items.length - 1]!.event_id : null,
      limit: size,
    };
  });
}

export interface ReportInput {
  work_package_id: number;
  event_type: string;
  message: string;
}

/**
 * The worker role a claimer acts in: the claim state says it; after submission, the assignment does
 * (the claim state no longer names the role).
 */
function claimerRole(pkg: PackageRow): Role {
  if (pkg.status === "CLAIMED_JUNIOR") return "worker_junior";
  if (pkg.status === "CLAIMED_PRO") return "worker_pro";
  return pkg.claimed_by_agent === pkg.assigned_junior_agent ? "worker_junior" : "worker_pro";
}

const RATE_WINDOW_MS = 60_000;

/**
 * Refuses a worker event once the package has taken `perMinute` of them in the last minute
 * (0 = no limit). It counts in the ledger inside the report's transaction, so servers in
 * different processes share one budget. Reading the newest `perMinute` worker events walks the
 * package's (seq) index backwards and stops there, whatever the history.
 */
function requireWithinRate(ctx: ServiceContext, packageId: number, perMinute: number): void {
  if (perMinute <= 0) return;
  const oldest = nthNewestEventTime(ctx.db, packageId, WORKER_REPORTABLE, perMinute);
  if (oldest === undefined) return;
  const freeInMs = Date.parse(oldest) + RATE_WINDOW_MS - ctx.clock().getTime();
  if (freeInMs <= 0) return;
  throw new OrchestratorError(
    `Work package ${packageId} has reached its limit of ${perMinute} worker events a minute ` +
      `(GRACE_HANDOFF_WORKER_EVENTS_PER_MINUTE); retry in ${Math.ceil(freeInMs / 1000)} s. ` +
      "The controller reads every event since its cursor: one event per problem is enough.",
  );
}

export function reportWorkerEvent(ctx: ServiceContext, input: ReportInput, perMinute: number) {
  if (!isHandoffEventType(input.event_type) || !WORKER_REPORTABLE.includes(input.event_type)) {
    throw notOneOf(
      `Worker event on ${recordName("work package", input.work_package_id)}`,
      "event_type",
      input.event_type,
      WORKER_REPORTABLE,
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
    if ((TERMINAL_PACKAGE_STATUSES as readonly string[]).includes(pkg.status)) {
      throw new OrchestratorError(
        `Work package ${pkg.id} is ${pkg.status}; it takes no more worker events (terminal statuses: ${TERMINAL_PACKAGE_STATUSES.join(", ")})`,
      );
    }
    const role = claimerRole(pkg);
    const assigned = role === "worker_junior" ? pkg.assigned_junior_agent : pkg.assigned_pro_agent;
    const effective = requireWorker(ctx, role, task.project_id, task.id, assigned);
    requireWithinRate(ctx, pkg.id, perMinute);
    const emitted = emitEvent(ctx, pkg, task, type, ctx.actor.name, { message });
    audit(ctx, effective, "handoff.worker_reported", "work_package", pkg.id, emitted.event);
    return emitted;
  });
  ctx.events.publish([run]);
  return withPaths(ctx, event, run);
}

export interface WaitInput {
  work_package_id?: number | undefined;
  task_id?: number | undefined;
  after_event_count?: number | null | undefined;
  after_event_id?: string | null | undefined;
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
  /** Test seam: runs once the wait has ended, before its answer is built. */
  afterWait?: () => void;
  /** The client's own session id, recorded on the deliveries this wait hands over. */
  sessionId?: string | null;
}

const PROGRESS_EVERY_MS = 5_000;

/** The wait's timing, bounded by the client's tool-call limit so the answer always arrives in time. */
export function waitBudget(timeoutSeconds: number, limits: WaitLimits) {
  const returnGrace = Math.min(5, Math.max(0.1, timeoutSeconds * 0.02));
  const requested = Math.max(0, timeoutSeconds - returnGrace);
  const transport = Math.max(0.1, limits.toolCallLimitSeconds - limits.transportGraceSeconds);
  return { requested: timeoutSeconds, effective: Math.min(requested, transport) };
}

interface WaitTarget {
  task: TaskRow;
  source: EventSource;
  channel: string;
  /** The package waited on; null for a task-wide wait. */
  packageId: number | null;
  /** The package's events file; a task-wide wait names the file of the newest event it read. */
  path: string | null;
}

function waitTarget(ctx: ServiceContext, input: WaitInput): WaitTarget {
  if ((input.work_package_id === undefined) === (input.task_id === undefined)) {
    throw new OrchestratorError(
      "Waiting requires exactly one of work_package_id (one package) or task_id (every package of a task)",
    );
  }
  if (input.work_package_id !== undefined) {
    const pkg = loadPackage(ctx, input.work_package_id);
    const task = loadTask(ctx, pkg.task_id);
    return {
      task,
      source: packageSource(ctx.db, pkg.id),
      channel: `package-${pkg.id}`,
      packageId: pkg.id,
      path: eventsPath(ctx.dataDir, runIdsOf(pkg, task)),
    };
  }
  const task = loadTask(ctx, input.task_id!);
  return {
    task,
    source: taskSource(ctx.db, task.id),
    channel: `task-${task.id}`,
    packageId: null,
    path: null,
  };
}

/** What one check of a wait saw, from one snapshot: the events after the cursor, the count, the newest event. */
interface WaitRead {
  fresh: HandoffEvent[];
  count: number;
  newest: HandoffEvent | null;
}

/**
 * A reader for the wait's cursor. An event-id cursor is resolved once (an unknown one is an error);
 * a count beyond what exists means "nothing new yet" and is resolved once that many events exist.
 */
function cursorReader(ctx: ServiceContext, source: EventSource, input: WaitInput): () => WaitRead {
  const hasId = input.after_event_id !== undefined && input.after_event_id !== null;
  let key: number | null = hasId
    ? readSnapshot(ctx.db, () => resolveCursor(source, input.after_event_id))
    : null;
  return () =>
    readSnapshot(ctx.db, () => {
      key ??= resolveCount(source, input.after_event_count ?? 0);
      const fresh = key === null ? [] : source.after(key, READ_PAGE + 1);
      return { fresh, count: source.count(), newest: fresh.length > 0 ? null : source.newest() };
    });
}

function runIdsOfEvent(e: HandoffEvent): RunIds {
  return { projectId: e.project_id, taskId: e.task_id, packageId: e.work_package_id };
}

/** The wait's scope as its mark names it: the package, or every package of the task (null). */
function markScope(target: WaitTarget) {
  return { project_id: target.task.project_id, task_id: target.task.id, work_package_id: target.packageId };
}

export async function waitForEvent(
  ctx: ServiceContext,
  input: WaitInput,
  limits: WaitLimits,
  control: WaitControl,
) {
  const given = (v: unknown) => v !== undefined && v !== null;
  if (given(input.after_event_count) && given(input.after_event_id)) {
    throw new OrchestratorError("Waiting accepts after_event_count or after_event_id, not both");
  }
  const target = waitTarget(ctx, input);
  requireRole(ctx, "codex", target.task.project_id, target.task.id);
  // A server that waits first catches the files up with the outbox (one index probe when nothing is pending).
  ctx.events.catchUp();
  // The mark tells the host supervisor a controller is alive in this wait.
  const mark = await writeWaiterMark(hostPaths(ctx.dataDir).waitersDir, markScope(target), nowIso(ctx));
  const holder = {
    pid: process.pid,
    os_start_time: await ownStartTime(),
    sessionId: control.sessionId ?? null,
  };
  let taken: { events: HandoffEvent[]; held: HeldEvent[] } = { events: [], held: [] };
  try {
    const { reply, returned } = await waitAndAnswer(ctx, input, target, limits, control);
    // A cancelled wait's answer is never read: its events stay for the supervisor to launch for.
    if (reply.status === "event" && !control.signal.aborted) taken = { events: returned, held: reply.held };
    return reply;
  } finally {
    // Once the answer is on its way (the controller does not wait for the write), and the mark
    // only after the handover: a supervisor that sees no mark sees the handover.
    setImmediate(() => handOverThenUnmark(ctx, taken, holder, mark));
  }
}

/** Waits, then builds the answer and names the events it carries as read (not compacted). */
async function waitAndAnswer(
  ctx: ServiceContext,
  input: WaitInput,
  target: WaitTarget,
  limits: WaitLimits,
  control: WaitControl,
) {
  const budget = waitBudget(input.timeout_seconds ?? 600, limits);
  const read = cursorReader(ctx, target.source, input);
  const started = Date.now();
  let last: WaitRead | undefined;
  let ticks = 0;
  const outcome = await waitUntil(
    ctx.signal,
    target.channel,
    () => {
      last = read();
      return last.fresh.length > 0 ? last : undefined;
    },
    {
      deadline: started + budget.effective * 1000,
      abort: control.signal,
      sliceMs: PROGRESS_EVERY_MS,
      onSlice: () => control.progress(++ticks, `waiting for a handoff event on ${target.channel}`),
    },
  );
  control.afterWait?.();
  // The answer is built from the last check alone: an event committed after it is left for the next wait.
  const seen = last!;
  // More new events than one answer holds: the cursor stops at the last one shown, so none is skipped.
  const { shown, held } = heldPage(seen.fresh.slice(0, READ_PAGE), WAIT_LIST_BUDGET_BYTES);
  const cursorAt = shown[shown.length - 1] ?? seen.newest;
  const status =
    outcome.status === "ready" ? "event" : outcome.status === "aborted" ? "cancelled" : "timeout";
  const reply = {
    status,
    events: shown,
    has_more: shown.length < seen.fresh.length,
    event_count: seen.count,
    next_after_event_id: cursorAt?.event_id ?? null,
    events_path: target.path ?? (cursorAt ? eventsPath(ctx.dataDir, runIdsOfEvent(cursorAt)) : null),
    requested_timeout_seconds: budget.requested,
    effective_timeout_seconds: budget.effective,
    waited_ms: Date.now() - started,
    // The keys of the trigger events shown, which this wait's holder resolves once handled.
    held: status === "event" ? held : [],
  };
  return { reply, returned: seen.fresh.slice(0, shown.length) };
}
