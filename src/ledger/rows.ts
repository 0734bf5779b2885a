import type { Db } from "./database.js";

/** Row shapes exactly as stored. JSON columns stay strings here; projections decode them. */
export interface ProjectRow {
  id: number;
  name: string;
  repo_path: string;
  grace_path: string;
  main_branch: string;
  allowed_test_commands_json: string;
  created_at: string;
  updated_at: string;
}

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

export interface TaskRow {
  id: number;
  project_id: number;
  parent_task_id: number | null;
  created_by_role: string;
  title: string;
  objective: string;
  architecture_intent: string;
  constraints_json: string;
  non_goals_json: string;
  acceptance_criteria_json: string;
  allowed_files_json: string;
  forbidden_files_json: string;
  status: string;
  created_at: string;
  updated_at: string;
}

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

export function findProject(db: Db, id: number): ProjectRow | undefined {
  return db.prepare("SELECT * FROM projects WHERE id = ?").get(id) as ProjectRow | undefined;
}

export function findTask(db: Db, id: number): TaskRow | undefined {
  return db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
}

export function findAgent(db: Db, projectId: number, name: string): AgentRow | undefined {
  return db.prepare("SELECT * FROM agents WHERE project_id = ? AND name = ?").get(projectId, name) as
    AgentRow | undefined;
}

export function listAgents(db: Db, projectId: number): AgentRow[] {
  return db.prepare("SELECT * FROM agents WHERE project_id = ? ORDER BY id").all(projectId) as AgentRow[];
}

/** Every registration of one name, across projects. */
export function listRegistrationsOf(db: Db, name: string): AgentRow[] {
  return db.prepare("SELECT * FROM agents WHERE name = ? ORDER BY project_id").all(name) as AgentRow[];
}

/** Every delegation naming one substitute, across projects. */
export function listDelegationsNaming(db: Db, actorName: string): DelegationRow[] {
  return db
    .prepare("SELECT * FROM role_delegations WHERE substitute_actor = ? ORDER BY id")
    .all(actorName) as DelegationRow[];
}

export function listDelegationsFor(db: Db, projectId: number, actorName: string): DelegationRow[] {
  return db
    .prepare("SELECT * FROM role_delegations WHERE project_id = ? AND substitute_actor = ? ORDER BY id")
    .all(projectId, actorName) as DelegationRow[];
}
