import fs from "node:fs";
import path from "node:path";
import type { ToolNaming } from "../domain/tool-names.js";
import { argvValueRefusal } from "../domain/argv-values.js";
import type { Db } from "../ledger/database.js";
import { inTransaction } from "../ledger/database.js";
import { writeFileAtomic } from "../handoff/ndjson-file.js";
import type { ProcessIdentity } from "../process/identity.js";
import type { ProgramSearch } from "../process/which.js";
import type { ContinuationMode } from "./command-template.js";
import { buildContext, type ContinuationContext } from "./context.js";
import {
  deadLetterDue,
  recordLaunchConfirmed,
  retryAttempt,
  type DeliveryRow,
} from "../ledger/tables/continuation-deliveries.js";
import { claimDelivery, markControllerStarted, type Claimer } from "./deliveries.js";
import { parseEventLine } from "./events-files.js";
import { appendHostEvent, type HostEventScope } from "./host-events.js";
import { eventIdentity, newAttemptId, promptFileName } from "./ids.js";
import { launchController, type LaunchDeps, type LaunchResult } from "./launch.js";
import type { Gate } from "./launch-gate.js";
import type { LivenessProbe } from "./lease-recovery.js";
import { backoffMs, type DeliveryLimits, type HostEventType } from "./limits.js";
import { runRoot, type HostPaths } from "./paths.js";
import { acquireRunLock, releaseRunLock, type Reclaim } from "./run-lock.js";
import { renderPrompt } from "./prompt.js";
import { deferToWaiter } from "./waiter-grace.js";

export interface DispatchEnv {
  db: Db;
  paths: HostPaths;
  clock: () => Date;
  limits: DeliveryLimits;
  self: Claimer;
  probe: LivenessProbe;
  resumeCommand: string | null;
  startCommand: string | null;
  waitSeconds: number;
  baseEnv: Readonly<Record<string, string | undefined>>;
  /** Where the controller program is looked up (from config). */
  programSearch: ProgramSearch;
  /** Windows: the controller gets a console window of its own. */
  controllerWindow?: boolean;
  /** How the controller's grace server names tools, for the prompt (dotted unless set). */
  controllerToolNames?: ToolNaming;
  /** How long a released gate may take to report (default 15 s); tests make it tiny. */
  reportTimeoutMs?: number;
  takeGate(): Gate;
  /** Test seam: runs after the durable record of a launch is attempted (e.g. to ACK first). */
  beforeCommit?: (continuationId: string, attemptId: string) => void;
  /** Test seam: runs after the launch is durable and before the gate gets the spec (e.g. to die there). */
  afterCommit?: (continuationId: string, attemptId: string) => void;
}

export interface DeliveryResult {
  continuation_id: string;
  run_id: string;
  status: string;
  attempt_id?: string;
  attempts?: number;
  pid?: number;
  mode?: string;
  reason?: string;
  lock_reclaimed?: Reclaim;
}

const iso = (ms: number) => new Date(ms).toISOString();
const DEFAULT_REPORT_TIMEOUT_MS = 15_000;

interface FoundEvent {
  index: number;
  event: Record<string, unknown>;
}

/** Finds the source event by identity in the run's events file. */
function findSourceEvent(file: string, runId: string, sourceEventId: string): FoundEvent | null {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const parsed = parseEventLine(lines[i]!);
    if (parsed.kind !== "event") continue;
    if (eventIdentity(runId, i + 1, parsed.event) === sourceEventId)
      return { index: i + 1, event: parsed.event };
  }
  return null;
}

function scopeOf(ctx: ContinuationContext): HostEventScope {
  return {
    hostEventsPath: ctx.host_events_path,
    runId: ctx.run_id,
    projectId: ctx.project_id,
    taskId: ctx.task_id,
    packageId: ctx.work_package_id,
  };
}

/** One attempt's launch inputs, shared by its resume and its logical launch. */
interface Attempt {
  env: DispatchEnv;
  ctx: ContinuationContext;
  promptFile: string;
  prompt: string;
  deps: LaunchDeps;
}

/** How one mode is launched and which host events record what happened. */
interface ModePlan {
  mode: ContinuationMode;
  template: string | null;
  /** The setting that names the template, for the event that says it is missing. */
  setting: string;
  /** Payload fields of the missing-template event beside attempted_mode and reason. */
  unsetPayload: Record<string, unknown>;
  started: HostEventType;
  failed: HostEventType;
}

function resumePlan(env: DispatchEnv, sessionId: string): ModePlan {
  return {
    mode: "resume",
    template: env.resumeCommand,
    setting: "GRACE_CODEX_RESUME_COMMAND",
    unsetPayload: { controller_session_id: sessionId },
    started: "HOST_CONTROLLER_RESUME_STARTED",
    failed: "HOST_CONTROLLER_RESUME_FAILED",
  };
}

function logicalPlan(env: DispatchEnv): ModePlan {
  return {
    mode: "logical",
    template: env.startCommand,
    setting: "GRACE_CODEX_START_COMMAND",
    unsetPayload: {},
    started: "HOST_CONTROLLER_LOGICAL_CONTINUATION_STARTED",
    failed: "HOST_CONTROLLER_LOGICAL_CONTINUATION_FAILED",
  };
}

function launchDeps(env: DispatchEnv, ctx: ContinuationContext): LaunchDeps {
  return {
    takeGate: () => env.takeGate(),
    commit: (identity: ProcessIdentity) => {
      env.beforeCommit?.(ctx.continuation_id, ctx.attempt_id);
      const outcome = markControllerStarted(
        env.db,
        ctx.continuation_id,
        ctx.attempt_id,
        identity,
        iso(env.clock().getTime() + env.limits.ackLeaseMs),
      );
      env.afterCommit?.(ctx.continuation_id, ctx.attempt_id);
      return outcome;
    },
    confirm: () => {
      inTransaction(env.db, () =>
        recordLaunchConfirmed(env.db, ctx.continuation_id, ctx.attempt_id, env.clock().toISOString()),
      );
    },
    launchesDir: env.paths.launchesDir,
    baseEnv: env.baseEnv,
    waitSeconds: env.waitSeconds,
    reportTimeoutMs: env.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS,
    programSearch: env.programSearch,
    controllerWindow: env.controllerWindow ?? false,
  };
}

/**
 * Launches one mode and records what happened as a host event: a missing template, a start, or a
 * failure. A launch the durable record refused (an ACK came first, or the attempt was superseded)
 * records nothing. Null when the mode has no template.
 */
async function launchMode(a: Attempt, plan: ModePlan): Promise<LaunchResult | null> {
  const scope = scopeOf(a.ctx);
  const now = () => a.env.clock().toISOString();
  if (plan.template === null) {
    const reason = `${plan.setting} is not set`;
    appendHostEvent(scope, plan.failed, { attempted_mode: plan.mode, ...plan.unsetPayload, reason }, now());
    return null;
  }
  const result = await launchController(
    {
      mode: plan.mode,
      template: plan.template,
      ctx: a.ctx,
      promptFile: a.promptFile,
      prompt: a.prompt,
      dataDir: a.env.paths.dataDir,
    },
    a.deps,
  );
  if (result.outcome && result.outcome !== "started") return result;
  appendHostEvent(scope, result.ok || result.unconfirmed ? plan.started : plan.failed, { ...result }, now());
  return result;
}

/**
 * Whether nothing more may be launched after this result: it started, may still start (an
 * unconfirmed launch could become a second controller), or the durable record refused it.
 */
function settled(result: LaunchResult): boolean {
  return (
    result.ok || result.unconfirmed === true || (result.outcome !== undefined && result.outcome !== "started")
  );
}

/**
 * Resume first when a session id is known, then logical continuation (a new controller with the
 * context). Answers the last launch tried, or null when neither mode had a template. A session id
 * that could be read as an option (it starts with '-') or split into words is never resumed: the
 * resume command takes it as a word of its own.
 */
async function resumeThenLogical(a: Attempt): Promise<LaunchResult | null> {
  let last: LaunchResult | null = null;
  const sessionId = a.ctx.controller_session_id;
  if (sessionId && argvValueRefusal("controller_session_id", sessionId) === null) {
    appendHostEvent(
      scopeOf(a.ctx),
      "HOST_CONTROLLER_RESUME_ATTEMPTED",
      { configured: a.env.resumeCommand !== null, controller_session_id: sessionId },
      a.env.clock().toISOString(),
    );
    last = await launchMode(a, resumePlan(a.env, sessionId));
    if (last && settled(last)) return last;
  }
  return (await launchMode(a, logicalPlan(a.env))) ?? last;
}

type Retry = (status: string, error: string) => DeliveryResult;

/** Dead-letters a delivery that has used its attempts; null while it has attempts left. */
function deadLetterIfExhausted(env: DispatchEnv, row: DeliveryRow, nowMs: number): DeliveryResult | null {
  if (row.attempt_count + 1 <= env.limits.maxAttempts) return null;
  const done = inTransaction(env.db, () =>
    deadLetterDue(env.db, row, iso(nowMs), `Exceeded maximum attempt limit (${env.limits.maxAttempts})`),
  );
  return {
    continuation_id: row.continuation_id,
    run_id: row.run_id,
    status: done ? "dead_lettered" : "already_claimed",
  };
}

/**
 * Finds the delivery's source event in its run's events file, builds the controller's context
 * and writes its prompt, recorded by HOST_CONTINUATION_DETECTED. A missing file or event is
 * retried later.
 */
function prepareAttempt(
  env: DispatchEnv,
  row: DeliveryRow,
  attempt: { id: string; count: number },
  retry: Retry,
): Attempt | DeliveryResult {
  const root = runRoot(env.paths.dataDir, row.run_id);
  const eventsFile = root ? path.join(root, "events.ndjson") : null;
  if (!root || !eventsFile || !fs.existsSync(eventsFile))
    return retry("events_path_missing", "Events log file missing");
  const found = findSourceEvent(eventsFile, row.run_id, row.source_event_id);
  if (!found) return retry("no_trigger_event", `Source event ${row.source_event_id} not found in events log`);
  const ctx = buildContext(env.db, {
    runId: row.run_id,
    continuationId: row.continuation_id,
    sourceEventId: row.source_event_id,
    attemptId: attempt.id,
    attemptCount: attempt.count,
    eventIndex: found.index,
    eventsPath: eventsFile,
    runRoot: root,
    event: {
      ...found.event,
      continuation_id: row.continuation_id,
      source_event_id: row.source_event_id,
      attempt_id: attempt.id,
      attempt_count: attempt.count,
    },
  });
  const promptFile = path.join(
    env.paths.promptsDir,
    promptFileName(row.run_id, found.index, ctx.trigger_event_type),
  );
  const prompt = renderPrompt(ctx, env.controllerToolNames ?? "dotted");
  fs.mkdirSync(env.paths.promptsDir, { recursive: true });
  writeFileAtomic(promptFile, prompt);
  appendHostEvent(
    scopeOf(ctx),
    "HOST_CONTINUATION_DETECTED",
    {
      attempt_id: attempt.id,
      event_index: found.index,
      prompt_path: promptFile,
      trigger_event_type: ctx.trigger_event_type,
    },
    env.clock().toISOString(),
  );
  return { env, ctx, promptFile, prompt, deps: launchDeps(env, ctx) };
}

/** The delivery's answer for what the launch did; a launch that failed outright is retried. */
function launchOutcome(
  launched: LaunchResult | null,
  base: Omit<DeliveryResult, "status">,
  tried: { attempt_id: string; attempts: number },
  retry: Retry,
): DeliveryResult {
  if (launched?.outcome === "already_acknowledged")
    return { ...base, status: "already_acknowledged", ...tried };
  if (launched?.outcome === "superseded") return { ...base, status: "superseded", ...tried };
  if (launched?.unconfirmed) {
    // No retry: the delivery stays CONTROLLER_STARTED with the gate as its process, so lease
    // recovery retries only once the gate (which outlives any controller it starts) is dead.
    return {
      ...base,
      status: "launch_unconfirmed",
      ...tried,
      mode: launched.attempted_mode,
      reason: launched.reason ?? "launch gate did not report",
    };
  }
  if (launched?.ok) {
    return { ...base, status: "started", ...tried, pid: launched.pid!, mode: launched.attempted_mode };
  }
  return retry(
    "retry_scheduled",
    `Controller command failed to start${launched?.reason ? `: ${launched.reason}` : ""}`,
  );
}

/** Claims the delivery for one attempt and runs it; the caller holds the run lock. */
async function claimAndLaunch(
  env: DispatchEnv,
  row: DeliveryRow,
  nowMs: number,
  reclaimed: { lock_reclaimed?: Reclaim },
): Promise<DeliveryResult> {
  const base = { continuation_id: row.continuation_id, run_id: row.run_id, ...reclaimed };
  const attempt = { id: newAttemptId(), count: row.attempt_count + 1 };
  const claimed = inTransaction(env.db, () =>
    claimDelivery(env.db, row, attempt.id, env.self, iso(nowMs), iso(nowMs + env.limits.claimLeaseMs)),
  );
  if (!claimed) return { ...base, status: "already_claimed" };
  const retry: Retry = (status, error) => {
    const next = iso(env.clock().getTime() + backoffMs(env.limits, attempt.count));
    inTransaction(env.db, () => retryAttempt(env.db, row.continuation_id, attempt.id, error, next));
    return { ...base, status, attempt_id: attempt.id, attempts: attempt.count, reason: error };
  };
  const prepared = prepareAttempt(env, row, attempt, retry);
  if (!("ctx" in prepared)) return prepared;
  const launched = await resumeThenLogical(prepared);
  return launchOutcome(launched, base, { attempt_id: attempt.id, attempts: attempt.count }, retry);
}

/**
 * Dispatches one due delivery, with the run lock taken BEFORE the claim: a busy run costs
 * nothing and leaves no claim to expire. A live handoff wait on the run gets a short grace first.
 */
export async function dispatchDelivery(env: DispatchEnv, row: DeliveryRow): Promise<DeliveryResult> {
  const nowMs = env.clock().getTime();
  const exhausted = deadLetterIfExhausted(env, row, nowMs);
  if (exhausted) return exhausted;
  const deferred = await deferToWaiter(env, row, nowMs);
  if (deferred) return deferred;
  const lock = await acquireRunLock(
    env.paths,
    { runId: row.run_id, eventIndex: null, eventType: null, owner: env.self, nowIso: iso(nowMs) },
    env.probe,
    Date.now(), // compared with a directory mtime, so wall time, not the injected clock
  );
  if (lock.status === "busy")
    return { continuation_id: row.continuation_id, run_id: row.run_id, status: "locked" };
  try {
    return await claimAndLaunch(env, row, nowMs, lock.reclaimed ? { lock_reclaimed: lock.reclaimed } : {});
  } finally {
    releaseRunLock(env.paths, lock.lock);
  }
}
