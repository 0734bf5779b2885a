import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** A role delegation as stored: revoked_* stay null until it is revoked. */
export interface DelegationRow {
  id: number;
  project_id: number;
  task_id: number | null;
  unavailable_role: string;
  substitute_actor: string;
  delegated_role: string;
  reason: string;
  expires_at: string;
  created_by_actor: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by_actor: string | null;
  revoke_reason: string | null;
}

export type NewDelegation = Omit<DelegationRow, "id" | "revoked_at" | "revoked_by_actor" | "revoke_reason">;

export function findDelegation(db: Db, id: number): DelegationRow | undefined {
  return prepared(db, "SELECT * FROM role_delegations WHERE id = ?").get(id) as DelegationRow | undefined;
}

/** Every delegation naming one substitute, across projects. */
export function listDelegationsNaming(db: Db, actorName: string): DelegationRow[] {
  return prepared(db, "SELECT * FROM role_delegations WHERE substitute_actor = ? ORDER BY id").all(
    actorName,
  ) as DelegationRow[];
}

export function listDelegationsFor(db: Db, projectId: number, actorName: string): DelegationRow[] {
  return prepared(
    db,
    "SELECT * FROM role_delegations WHERE project_id = ? AND substitute_actor = ? ORDER BY id",
  ).all(projectId, actorName) as DelegationRow[];
}

/** Stores a new delegation and returns its id. */
export function insertDelegation(db: Db, row: NewDelegation): number {
  return Number(
    prepared(
      db,
      `INSERT INTO role_delegations (project_id, task_id, unavailable_role, substitute_actor, delegated_role, reason, expires_at, created_by_actor, created_at)
         VALUES (@project_id, @task_id, @unavailable_role, @substitute_actor, @delegated_role, @reason, @expires_at, @created_by_actor, @created_at)`,
    ).run(row).lastInsertRowid,
  );
}

export function markDelegationRevoked(
  db: Db,
  change: { id: number; revoked_at: string; revoked_by_actor: string; revoke_reason: string },
): void {
  prepared(
    db,
    `UPDATE role_delegations SET revoked_at = @revoked_at, revoked_by_actor = @revoked_by_actor, revoke_reason = @revoke_reason
     WHERE id = @id`,
  ).run(change);
}
