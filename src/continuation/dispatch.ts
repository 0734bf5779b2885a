import fs from "node:fs";
import path from "node:path";
import type { Db } from "../ledger/database.js";
import { inTransaction } from "../ledger/database.js";
import { writeFileAtomic } from "../handoff/ndjson-file.js";
import type { ProcessIdentity } from "../process/identity.js";
import type { ProgramSearch } from "../process/which.js";
import { buildContext, type ContinuationContext } from "./context.js";
import { deadLetterDue, retryAttempt, type DeliveryRow } from "../ledger/tables/continuation-deliveries.js";
import { claimDelivery, markControllerStarted, type Claimer } from "./deliveries.js";
import { parseEventLine } from "./events-files.js";
import { appendHostEvent, type HostEventScope } from "./host-events.js";
import { eventIdentity, newAttemptId, promptFileName } from "./ids.js";
import { launchController, type LaunchDeps, type LaunchResult } from "./launch.js";
import type { Gate } from "./launch-gate.js";
import type { LivenessProbe } from "./lease-recovery.js";
import { backoffMs, type DeliveryLimits } from "./limits.js";
import { runRoot, type HostPaths } from "./paths.js";
import { acquireRunLock, releaseRunLock, type Reclaim } from "./run-lock.js";
import { renderPrompt } from "./prompt.js";

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
  /** How long a released gate may take to report (default 15 s); tests make it tiny. */
  reportTimeoutMs?: number;
  takeGate(): Gate;
  /** Test seam: runs after the durable record of a launch is attempted (e.g. to ACK first). */
  beforeCommit?: (continuationId: string, attemptId: string) => void;
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

/** Resume first when a session id is known, then logical continuation (a new controller with the context). */
async function resumeThenLogical(
  env: DispatchEnv,
  ctx: ContinuationContext,
  promptFile: string,
  prompt: string,
  attemptId: string,
): Promise<LaunchResult | null> {
  const now = () => env.clock().toISOString();
  const scope = scopeOf(ctx);
  const deps: LaunchDeps = {
    takeGate: () => env.takeGate(),
    commit: (identity: ProcessIdentity) => {
      env.beforeCommit?.(ctx.continuation_id, attemptId);
      return markControllerStarted(
        env.db,
        ctx.continuation_id,
        attemptId,
        identity,
        iso(env.clock().getTime() + env.limits.ackLeaseMs),
      );
    },
    baseEnv: env.baseEnv,
    waitSeconds: env.waitSeconds,
    reportTimeoutMs: env.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS,
    programSearch: env.programSearch,
    controllerWindow: env.controllerWindow ?? false,
  };
  let last: LaunchResult | null = null;
  if (ctx.controller_session_id) {
    appendHostEvent(
      scope,
      "HOST_CONTROLLER_RESUME_ATTEMPTED",
      { configured: env.resumeCommand !== null, controller_session_id: ctx.controller_session_id },
      now(),
    );
    if (env.resumeCommand === null) {
      appendHostEvent(
        scope,
        "HOST_CONTROLLER_RESUME_FAILED",
        {
          attempted_mode: "resume",
          controller_session_id: ctx.controller_session_id,
          reason: "GRACE_CODEX_RESUME_COMMAND is not set",
        },
        now(),
      );
    } else {
      last = await launchController(
        "resume",
        env.resumeCommand,
        ctx,
        promptFile,
        prompt,
        env.paths.dataDir,
        deps,
      );
      if (last.outcome && last.outcome !== "started") return last;
      appendHostEvent(
        scope,
        last.ok || last.unconfirmed ? "HOST_CONTROLLER_RESUME_STARTED" : "HOST_CONTROLLER_RESUME_FAILED",
        { ...last },
        now(),
      );
      // An unconfirmed resume may still start: a logical launch now could be a second controller.
      if (last.ok || last.unconfirmed) return last;
    }
  }
  if (env.startCommand === null) {
    appendHostEvent(
      scope,
      "HOST_CONTROLLER_RESUME_FAILED",
      { attempted_mode: "logical", reason: "GRACE_CODEX_START_COMMAND is not set" },
      now(),
    );
    return last;
  }
  last = await launchController(
    "logical",
    env.startCommand,
    ctx,
    promptFile,
    prompt,
    env.paths.dataDir,
    deps,
  );
  if (last.outcome && last.outcome !== "started") return last;
  appendHostEvent(
    scope,
    last.ok || last.unconfirmed
      ? "HOST_CONTROLLER_LOGICAL_CONTINUATION_STARTED"
      : "HOST_CONTROLLER_RESUME_FAILED",
    { ...last },
    now(),
  );
  return last;
}

/**
 * Dispatches one due delivery, with the run lock taken BEFORE the claim: a
 * busy run costs nothing and leaves no claim to expire.
 */
export async function dispatchDelivery(env: DispatchEnv, row: DeliveryRow): Promise<DeliveryResult> {
  const base = { continuation_id: row.continuation_id, run_id: row.run_id };
  const nowMs = env.clock().getTime();
  const attempts = row.attempt_count + 1;
  if (attempts > env.limits.maxAttempts) {
    const done = inTransaction(env.db, () =>
      deadLetterDue(env.db, row, iso(nowMs), `Exceeded maximum attempt limit (${env.limits.maxAttempts})`),
    );
    return { ...base, status: done ? "dead_lettered" : "already_claimed" };
  }
  const lock = await acquireRunLock(
    env.paths,
    { runId: row.run_id, eventIndex: null, eventType: null, owner: env.self, nowIso: iso(nowMs) },
    env.probe,
    Date.now(), // compared with a directory mtime, so wall time, not the injected clock
  );
  if (lock.status === "busy") return { ...base, status: "locked" };
  const reclaimed = lock.reclaimed ? { lock_reclaimed: lock.reclaimed } : {};
  try {
    const attemptId = newAttemptId();
    const claimed = inTransaction(env.db, () =>
      claimDelivery(env.db, row, attemptId, env.self, iso(nowMs), iso(nowMs + env.limits.claimLeaseMs)),
    );
    if (!claimed) return { ...base, ...reclaimed, status: "already_claimed" };
    const retry = (status: string, error: string): DeliveryResult => {
      const next = iso(env.clock().getTime() + backoffMs(env.limits, attempts));
      inTransaction(env.db, () => retryAttempt(env.db, row.continuation_id, attemptId, error, next));
      return { ...base, ...reclaimed, status, attempt_id: attemptId, attempts, reason: error };
    };
    const root = runRoot(env.paths.dataDir, row.run_id);
    const eventsFile = root ? path.join(root, "events.ndjson") : null;
    if (!root || !eventsFile || !fs.existsSync(eventsFile))
      return retry("events_path_missing", "Events log file missing");
    const found = findSourceEvent(eventsFile, row.run_id, row.source_event_id);
    if (!found)
      return retry("no_trigger_event", `Source event ${row.source_event_id} not found in events log`);

    const ctx = buildContext(env.db, {
      runId: row.run_id,
      continuationId: row.continuation_id,
      sourceEventId: row.source_event_id,
      attemptId,
      attemptCount: attempts,
      eventIndex: found.index,
      eventsPath: eventsFile,
      runRoot: root,
      event: {
        ...found.event,
        continuation_id: row.continuation_id,
        source_event_id: row.source_event_id,
        attempt_id: attemptId,
        attempt_count: attempts,
      },
    });
    const promptFile = path.join(
      env.paths.promptsDir,
      promptFileName(row.run_id, found.index, ctx.trigger_event_type),
    );
    const prompt = renderPrompt(ctx);
    fs.mkdirSync(env.paths.promptsDir, { recursive: true });
    writeFileAtomic(promptFile, prompt);
    appendHostEvent(
      scopeOf(ctx),
      "HOST_CONTINUATION_DETECTED",
      {
        attempt_id: attemptId,
        event_index: found.index,
        prompt_path: promptFile,
        trigger_event_type: ctx.trigger_event_type,
      },
      env.clock().toISOString(),
    );
    const launched = await resumeThenLogical(env, ctx, promptFile, prompt, attemptId);
    if (launched?.outcome === "already_acknowledged")
      return { ...base, ...reclaimed, status: "already_acknowledged", attempt_id: attemptId, attempts };
    if (launched?.outcome === "superseded")
      return { ...base, ...reclaimed, status: "superseded", attempt_id: attemptId, attempts };
    if (launched?.unconfirmed) {
      // No retry: the delivery stays CONTROLLER_STARTED with the gate as its process, so lease
      // recovery retries only once the gate (which outlives any controller it starts) is dead.
      return {
        ...base,
        ...reclaimed,
        status: "launch_unconfirmed",
        attempt_id: attemptId,
        attempts,
        mode: launched.attempted_mode,
        reason: launched.reason ?? "launch gate did not report",
      };
    }
    if (launched?.ok) {
      return {
        ...base,
        ...reclaimed,
        status: "started",
        attempt_id: attemptId,
        attempts,
        pid: launched.pid!,
        mode: launched.attempted_mode,
      };
    }
    return retry(
      "retry_scheduled",
      `Controller command failed to start${launched?.reason ? `: ${launched.reason}` : ""}`,
    );
  } finally {
    releaseRunLock(env.paths, lock.lock);
  }
}
