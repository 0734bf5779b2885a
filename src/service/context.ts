import type { ActorIdentity } from "../config/identity.js";
import { appendAudit } from "../ledger/audit.js";
import type { Db } from "../ledger/database.js";

/** Everything a use case needs: the ledger, the bound actor, the data dir and the clock. */
export interface ServiceContext {
  db: Db;
  actor: ActorIdentity;
  dataDir: string;
  clock: () => Date;
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
