import type { Logger } from "../config/logger.js";
import type { ActorIdentity } from "../config/identity.js";
import { createPublisher, type EventPublisher } from "../handoff/publisher.js";
import { createDefaultHookRegistry, type HookRegistry } from "../hooks/index.js";
import { appendAudit } from "../ledger/tables/audit-log.js";
import type { Db } from "../ledger/database.js";
import { openNamedSignal, type NamedSignal } from "../signal/named-signal.js";

/** Everything a use case needs: the ledger, the bound actor, the data dir, the clock and the wake. */
export interface ServiceContext {
  db: Db;
  actor: ActorIdentity;
  dataDir: string;
  clock: () => Date;
  signal: NamedSignal;
  events: EventPublisher;
  /** In-process hooks dispatched inside each mutating transaction. */
  hooks: HookRegistry;
}

export function createServiceContext(
  db: Db,
  actor: ActorIdentity,
  dataDir: string,
  logger?: Logger,
  clock: () => Date = () => new Date(),
): ServiceContext {
  const signal = openNamedSignal(dataDir);
  return {
    db,
    actor,
    dataDir,
    clock,
    signal,
    events: createPublisher(db, dataDir, signal, logger),
    hooks: createDefaultHookRegistry(),
  };
}

export function nowIso(ctx: ServiceContext): string {
  return ctx.clock().toISOString();
}

export function audit(
  ctx: ServiceContext,
  effectiveRole: string,
  eventType: string,
  targetType: string,
  targetId: number,
  payload: unknown = {},
): number {
  return appendAudit(ctx.db, {
    eventType,
    actorRole: ctx.actor.primaryRole,
    effectiveRole,
    actorAgent: ctx.actor.name,
    targetType,
    targetId,
    payload,
    createdAt: nowIso(ctx),
  });
}
