import { LOOP_LIST_BUDGET_BYTES, fitByBytes } from "../domain/limits.js";
import type { Role } from "../domain/roles.js";
import { exposedToolName, type ToolNaming } from "../domain/tool-names.js";
import { openEscalations, type OpenEscalation } from "../ledger/escalations.js";
import { parseJson } from "../ledger/json.js";
import { listTasksInStatuses, type TaskSummaryRow } from "../ledger/tables/tasks.js";
import { listPackageCandidates, type PackageCandidateRow } from "../ledger/tables/work-packages.js";
import { decideEffectiveRole } from "../domain/authorization.js";
import { actorProjectFacts, roleQuery, type ActorProjectFacts } from "./access.js";
import type { ServiceContext } from "./context.js";
import { clampEnvelope, type InboxEnvelope } from "./inbox-envelope.js";
import {
  PACKAGE_ARGUMENT,
  PACKAGE_RULES,
  STOP_CONDITIONS,
  TASK_RULES,
  ruleStatuses,
  type InboxRule,
} from "./inbox-rules.js";

interface Candidate {
  priority: number;
  tie: string;
  envelope: InboxEnvelope;
}

function packageRows(ctx: ServiceContext, projectId: number | null): PackageCandidateRow[] {
  return listPackageCandidates(ctx.db, ruleStatuses(PACKAGE_RULES), projectId);
}

/**
 * Answers "is the bound actor authorized as R here?" for one inbox read: the actor's registration
 * and delegations are read once per project, the rule itself runs per item, and nothing is written.
 */
function roleChecker(ctx: ServiceContext): (role: Role, projectId: number, taskId: number) => boolean {
  const facts = new Map<number, ActorProjectFacts>();
  return (role, projectId, taskId) => {
    let known = facts.get(projectId);
    if (!known) facts.set(projectId, (known = actorProjectFacts(ctx, projectId)));
    return decideEffectiveRole(roleQuery(ctx, role, { projectId, taskId }, known)).granted;
  };
}

type RoleCheck = ReturnType<typeof roleChecker>;

interface Addressee {
  project_id: number;
  task_id: number;
  claimed_by_agent?: string | null;
  assigned_pro_agent?: string | null;
  assigned_junior_agent?: string | null;
}

/** Whether the bound actor is the one a rule addresses; a read-only check, never an error. */
function addressed(ctx: ServiceContext, rule: InboxRule, row: Addressee, asRole: RoleCheck): boolean {
  const { name, primaryRole } = ctx.actor;
  switch (rule.who) {
    case "claimer":
      return row.claimed_by_agent === name;
    case "assigned_pro":
      return primaryRole === "worker_pro" && row.assigned_pro_agent === name;
    case "assigned_junior":
      return row.assigned_junior_agent === name;
    case "as_glm":
      return asRole("glm", row.project_id, row.task_id);
    case "as_codex":
      return asRole("codex", row.project_id, row.task_id);
    case "controller":
      return primaryRole === "user" || primaryRole === "codex";
  }
}

function workerContext(row: PackageCandidateRow): Record<string, unknown> {
  const discovery = parseJson<Record<string, unknown>>(row.contract_discovery_json, {});
  return {
    task_title: row.task_title,
    task_objective: row.task_objective,
    architecture_intent: row.architecture_intent,
    package_title: row.title,
    package_objective: row.objective,
    allowed_files: parseJson<string[]>(row.allowed_files_json, []),
    forbidden_files: parseJson<string[]>(row.forbidden_files_json, []),
    base_commit: row.base_commit,
    contract_discovery: {
      module_refs: discovery["module_refs"] ?? [],
      verification_refs: discovery["verification_refs"] ?? [],
      rule_refs: discovery["rule_refs"] ?? [],
    },
    test_surface: parseJson<string[]>(row.test_surface_json, []),
    commands_allowed: parseJson<Record<string, string[]>>(row.project_commands_json, {}),
    rollback_boundary: row.rollback_boundary,
    stop_conditions: STOP_CONDITIONS,
    compact_report_requirements: parseJson<string[]>(row.compact_report_format_json, []),
  };
}

function packageContext(rule: InboxRule, row: PackageCandidateRow): Record<string, unknown> {
  if (rule.context === "worker") return workerContext(row);
  const titles = { task_title: row.task_title, package_title: row.title };
  return rule.context === "intervention" ? { ...titles, intervention_required: true } : titles;
}

function assignedRole(ctx: ServiceContext, rule: InboxRule): string {
  return rule.role === "actor" ? ctx.actor.primaryRole : rule.role;
}

function packageCandidate(ctx: ServiceContext, rule: InboxRule, row: PackageCandidateRow): Candidate {
  const tool = rule.tools[row.status]!;
  return {
    priority: rule.priority,
    tie: `wp-${row.id}`,
    envelope: {
      item_id: `work-package:${row.id}${rule.idSuffix}`,
      kind: rule.kind,
      project_id: row.project_id,
      task_id: row.task_id,
      work_package_id: row.id,
      current_state: row.status,
      assigned_actor: ctx.actor.name,
      assigned_role: assignedRole(ctx, rule),
      title: row.title,
      objective: row.objective,
      next_action: { tool, arguments: { [PACKAGE_ARGUMENT[tool] ?? "work_package_id"]: row.id } },
      context: packageContext(rule, row),
      updated_at: row.updated_at,
    },
  };
}

function taskCandidate(ctx: ServiceContext, rule: InboxRule, row: TaskSummaryRow): Candidate {
  const context: Record<string, unknown> = { task_title: row.title };
  if (rule.context === "intervention") context["intervention_required"] = true;
  if (rule.kind === "task_gate") context["objective"] = row.objective;
  return {
    priority: rule.priority,
    tie: `task-${row.id}`,
    envelope: {
      item_id: `task:${row.id}${rule.idSuffix}`,
      kind: rule.kind,
      project_id: row.project_id,
      task_id: row.id,
      work_package_id: null,
      current_state: row.status,
      assigned_actor: ctx.actor.name,
      assigned_role: assignedRole(ctx, rule),
      title: row.title,
      objective: row.objective,
      next_action: { tool: rule.tools[row.status]!, arguments: { task_id: row.id } },
      context,
      updated_at: row.updated_at,
    },
  };
}

const REASON_SHOWN_CHARS = 300;

function escalationCandidate(ctx: ServiceContext, e: OpenEscalation): Candidate {
  const onPackage = e.target_type === "work_package";
  const reason =
    e.reason.length > REASON_SHOWN_CHARS ? `${e.reason.slice(0, REASON_SHOWN_CHARS)}...` : e.reason;
  return {
    priority: 0,
    tie: onPackage ? `wp-${e.target_id}` : `task-${e.target_id}`,
    envelope: {
      item_id: onPackage ? `work-package:${e.target_id}:escalation` : `task:${e.target_id}:escalation`,
      kind: "escalation",
      project_id: e.project_id,
      task_id: e.task_id,
      work_package_id: e.work_package_id,
      current_state: e.status,
      assigned_actor: ctx.actor.name,
      assigned_role: ctx.actor.primaryRole,
      title: e.title,
      next_action: onPackage
        ? { tool: "workpackage.get_summary", arguments: { work_package_id: e.target_id } }
        : { tool: "task.get_summary", arguments: { task_id: e.target_id } },
      context: {
        task_title: e.task_title,
        reason,
        escalated_by: e.escalated_by,
        intervention_required: true,
      },
      updated_at: e.escalated_at,
    },
  };
}

/** Escalations are a person's first business; they replace the plain intervention item of the same object. */
function escalationCandidates(ctx: ServiceContext, projectId: number | null): Candidate[] {
  if (ctx.actor.primaryRole !== "user") return [];
  return openEscalations(ctx.db, projectId).map((e) => escalationCandidate(ctx, e));
}

function candidates(ctx: ServiceContext, projectId: number | null): Candidate[] {
  const escalated = escalationCandidates(ctx, projectId);
  const shadowed = new Set(escalated.map((c) => c.tie));
  const out = [...escalated];
  const asRole = roleChecker(ctx);
  for (const row of packageRows(ctx, projectId)) {
    for (const rule of PACKAGE_RULES) {
      if (!(row.status in rule.tools) || !addressed(ctx, rule, row, asRole)) continue;
      if (rule.kind === "intervention" && shadowed.has(`wp-${row.id}`)) continue;
      out.push(packageCandidate(ctx, rule, row));
    }
  }
  for (const row of listTasksInStatuses(ctx.db, ruleStatuses(TASK_RULES), projectId)) {
    for (const rule of TASK_RULES) {
      if (
        !(row.status in rule.tools) ||
        !addressed(ctx, rule, { project_id: row.project_id, task_id: row.id }, asRole)
      )
        continue;
      if (rule.kind === "intervention" && shadowed.has(`task-${row.id}`)) continue;
      out.push(taskCandidate(ctx, rule, row));
    }
  }
  return out;
}

function byPriority(a: Candidate, b: Candidate): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const ua = a.envelope.updated_at;
  const ub = b.envelope.updated_at;
  if (ua !== ub) return ua < ub ? -1 : 1;
  return a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;
}

/** The actor's `limit` most urgent candidates. */
function byUrgency(ctx: ServiceContext, projectId: number | null): Candidate[] {
  return candidates(ctx, projectId).sort(byPriority);
}

/**
 * The item as the reader acts on it: clamped to the envelope cap, its next_action.tool named as the
 * reader's server exposes it (an exposed name is as long as the canonical one, so the cap still holds).
 */
function readable(envelope: InboxEnvelope, naming: ToolNaming): InboxEnvelope {
  const item = clampEnvelope(envelope);
  return {
    ...item,
    next_action: { ...item.next_action, tool: exposedToolName(item.next_action.tool, naming) },
  };
}

/** Each item made readable as it is read, so a list clamps only what it keeps. */
function* clamped(list: readonly Candidate[], naming: ToolNaming): Generator<InboxEnvelope> {
  for (const c of list) yield readable(c.envelope, naming);
}

/** The single most urgent item for the bound actor; reading it changes nothing. */
export function inboxNext(ctx: ServiceContext, projectId: number | null, naming: ToolNaming = "dotted") {
  const [first] = byUrgency(ctx, projectId);
  return first ? { status: "item", item: readable(first.envelope, naming) } : { status: "empty", item: null };
}

/**
 * The most urgent `limit` items, as many as fit a loop answer (at least one); `more` says the inbox
 * holds items this answer does not (beyond the limit or the answer's size).
 */
export function inboxList(
  ctx: ServiceContext,
  projectId: number | null,
  limit: number,
  naming: ToolNaming = "dotted",
) {
  const all = byUrgency(ctx, projectId);
  const items = fitByBytes(clamped(all.slice(0, limit), naming), LOOP_LIST_BUDGET_BYTES);
  return { status: "ok", items, count: items.length, more: items.length < all.length };
}
