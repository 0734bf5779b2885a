import { ConflictError, OrchestratorError, notFound, notOneOf, recordName } from "../domain/errors.js";
import { parseRunId } from "../continuation/paths.js";
import { inTransaction } from "../ledger/database.js";
import { stableJson } from "../ledger/json.js";
import {
  acknowledgeDelivery,
  findDelivery,
  requeueDelivery,
  resolveDelivery,
  type DeliveryRow,
} from "../ledger/tables/continuation-deliveries.js";
import { requirePrimary } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { controllerSessionOf } from "./controller-session.js";

/** Continuation delivery tools: the revived controller's ACK / resolve, and admin requeue. */

const ADMIN: ["user", "codex"] = ["user", "codex"];

/** States a delivery may be acknowledged in: ACKNOWLEDGED and RESOLVED answer as they are (a retried ACK). */
const ACKABLE: readonly string[] = ["CLAIMED", "CONTROLLER_STARTED", "ACKNOWLEDGED", "RESOLVED"];

export interface DeliveryKeys {
  continuation_id: string;
  source_event_id: string;
  attempt_id: string;
}

function parsedResolution(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function view(row: DeliveryRow) {
  const { resolution_json, ...rest } = row;
  return { ...rest, resolution: parsedResolution(resolution_json) };
}

function load(ctx: ServiceContext, continuationId: string): DeliveryRow {
  const row = findDelivery(ctx.db, continuationId);
  if (!row) throw notFound("continuation delivery", continuationId);
  return row;
}

/** Lookup, source-event and attempt checks shared by ack and resolve. */
function checkedRow(ctx: ServiceContext, keys: DeliveryKeys): DeliveryRow {
  if (keys.attempt_id.trim() === "")
    throw new OrchestratorError("attempt_id is required and cannot be empty");
  const row = load(ctx, keys.continuation_id);
  if (row.source_event_id !== keys.source_event_id) {
    throw new OrchestratorError(`Continuation source event mismatch for ${keys.continuation_id}`);
  }
  if (row.attempt_id !== null && row.attempt_id !== keys.attempt_id) {
    throw new ConflictError(
      `Continuation attempt_id mismatch for ${keys.continuation_id}: expected ${row.attempt_id}, got ${keys.attempt_id}`,
    );
  }
  return row;
}

export function ackContinuation(
  ctx: ServiceContext,
  keys: DeliveryKeys & { controller_session_id?: string | undefined },
) {
  const role = requirePrimary(ctx, ADMIN, "Only USER or CODEX may acknowledge continuations");
  const sessionId = keys.controller_session_id?.trim() || null;
  return inTransaction(ctx.db, () => {
    const row = checkedRow(ctx, keys);
    if (!ACKABLE.includes(row.state)) {
      throw notOneOf(
        `${recordName("continuation delivery", row.continuation_id)} cannot be acknowledged`,
        "state",
        row.state,
        ACKABLE,
      );
    }
    if (row.state === "ACKNOWLEDGED") {
      if (sessionId && row.controller_session_id && sessionId !== row.controller_session_id) {
        throw new ConflictError(
          `Continuation ${row.continuation_id} was acknowledged with controller session ${row.controller_session_id}, not ${sessionId}`,
        );
      }
      return view(row);
    }
    if (row.state === "RESOLVED") return view(row);
    const now = nowIso(ctx);
    const changed = acknowledgeDelivery(ctx.db, {
      continuation_id: row.continuation_id,
      source_event_id: row.source_event_id,
      attempt_id: keys.attempt_id,
      session_id: sessionId,
      now,
    });
    const after = load(ctx, row.continuation_id);
    if (!changed) {
      if (after.state === "ACKNOWLEDGED") return view(after);
      throw new ConflictError(`Continuation ${row.continuation_id} was updated concurrently; read it again`);
    }
    audit(ctx, role, "CONTINUATION_ACKNOWLEDGED", "continuation", row.id, {
      continuation_id: row.continuation_id,
      source_event_id: row.source_event_id,
      attempt_id: keys.attempt_id,
    });
    return view(after);
  });
}

export function resolveContinuation(
  ctx: ServiceContext,
  keys: DeliveryKeys & {
    resolution_notes?: string | undefined;
    resolution_data?: Record<string, unknown> | undefined;
  },
) {
  const role = requirePrimary(ctx, ADMIN, "Only USER or CODEX may resolve continuations");
  return inTransaction(ctx.db, () => {
    const row = checkedRow(ctx, keys);
    if (row.state === "RESOLVED") return view(row);
    if (row.state !== "ACKNOWLEDGED") {
      throw new OrchestratorError(
        `Cannot resolve continuation delivery ${row.continuation_id} in state ${row.state}; must be ACKNOWLEDGED first`,
      );
    }
    const resolution = keys.resolution_data ?? { notes: keys.resolution_notes ?? "" };
    const changed = resolveDelivery(ctx.db, {
      continuation_id: row.continuation_id,
      attempt_id: keys.attempt_id,
      resolution_json: stableJson(resolution),
      now: nowIso(ctx),
    });
    if (!changed)
      throw new ConflictError(`Continuation ${row.continuation_id} was updated concurrently; read it again`);
    audit(ctx, role, "CONTINUATION_RESOLVED", "continuation", row.id, {
      continuation_id: row.continuation_id,
      source_event_id: row.source_event_id,
      attempt_id: keys.attempt_id,
    });
    return view(load(ctx, row.continuation_id));
  });
}

export function getContinuation(ctx: ServiceContext, continuationId: string) {
  requirePrimary(ctx, ADMIN, "Only USER or CODEX may read continuation deliveries");
  const row = load(ctx, continuationId);
  const run = parseRunId(row.run_id);
  return {
    ...view(row),
    // The session the supervisor resumes for this delivery, recorded from the controller's calls.
    recorded_controller_session:
      run.taskId === null ? null : controllerSessionOf(ctx, run.taskId, run.packageId),
  };
}

export function requeueDeadLetter(ctx: ServiceContext, continuationId: string, reason: string) {
  const role = requirePrimary(ctx, ADMIN, "Only USER or CODEX may requeue dead-lettered continuations");
  const why = reason.trim();
  if (why.length < 10) throw new OrchestratorError("reason must be at least 10 characters");
  return inTransaction(ctx.db, () => {
    const row = load(ctx, continuationId);
    if (row.state !== "DEAD_LETTER") {
      throw new OrchestratorError(
        `Continuation ${continuationId} is in state '${row.state}', not DEAD_LETTER`,
      );
    }
    requeueDelivery(ctx.db, row.id, nowIso(ctx), `Requeued by ${ctx.actor.name}: ${why}`);
    audit(ctx, role, "CONTINUATION_REQUEUED", "continuation", row.id, {
      continuation_id: continuationId,
      reason: why,
    });
    return view(load(ctx, continuationId));
  });
}
