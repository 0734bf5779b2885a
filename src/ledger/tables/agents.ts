import type { Db } from "../database.js";
import { prepared } from "../statements.js";

/** An agent registration as stored; capabilities_json stays a string here, projections decode it. */
export interface AgentRow {
  id: number;
  project_id: number;
  name: string;
  primary_role: string;
  capabilities_json: string;
  mimo_model: string | null;
  mimo_agent: string | null;
  runtime: string | null;
  provider: string | null;
  model: string | null;
  reasoning_profile: string | null;
  availability: "available" | "unavailable";
  updated_at: string;
}

export type NewAgent = Omit<AgentRow, "id">;

export function findAgent(db: Db, projectId: number, name: string): AgentRow | undefined {
  return prepared(db, "SELECT * FROM agents WHERE project_id = ? AND name = ?").get(projectId, name) as
    AgentRow | undefined;
}

export function listAgents(db: Db, projectId: number): AgentRow[] {
  return prepared(db, "SELECT * FROM agents WHERE project_id = ? ORDER BY id").all(projectId) as AgentRow[];
}

/** Every registration of one name, across projects. */
export function listRegistrationsOf(db: Db, name: string): AgentRow[] {
  return prepared(db, "SELECT * FROM agents WHERE name = ? ORDER BY project_id").all(name) as AgentRow[];
}

/** Registers a name in a project, or replaces every field of its existing registration there. */
export function saveAgent(db: Db, row: NewAgent): void {
  prepared(
    db,
    `INSERT INTO agents (project_id, name, primary_role, capabilities_json, mimo_model, mimo_agent, runtime, provider, model, reasoning_profile, availability, updated_at)
     VALUES (@project_id, @name, @primary_role, @capabilities_json, @mimo_model, @mimo_agent, @runtime, @provider, @model, @reasoning_profile, @availability, @updated_at)
     ON CONFLICT (project_id, name) DO UPDATE SET
       primary_role = excluded.primary_role, capabilities_json = excluded.capabilities_json,
       mimo_model = excluded.mimo_model, mimo_agent = excluded.mimo_agent, runtime = excluded.runtime,
       provider = excluded.provider, model = excluded.model, reasoning_profile = excluded.reasoning_profile,
       availability = excluded.availability, updated_at = excluded.updated_at`,
  ).run(row);
}

export function setAgentAvailability(
  db: Db,
  change: Pick<AgentRow, "id" | "availability" | "updated_at">,
): void {
  prepared(db, "UPDATE agents SET availability = @availability, updated_at = @updated_at WHERE id = @id").run(
    change,
  );
}
