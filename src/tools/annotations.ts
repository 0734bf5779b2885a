import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";

/**
 * What a tool may do beyond reading, per tool, in one table. A tool is destructive when it removes
 * or overwrites something the ledger or the disk held, or stops a process; idempotent when calling
 * it again with the same arguments succeeds with no further effect; open-world when it starts a
 * program the orchestrator does not control. Read-only tools (ToolDef.readOnly) need no row.
 */
export interface ToolEffect {
  destructive: boolean;
  idempotent: boolean;
  openWorld?: boolean;
}

const ADDITIVE: ToolEffect = { destructive: false, idempotent: false };
const REPEATABLE: ToolEffect = { destructive: false, idempotent: true };
const DESTRUCTIVE: ToolEffect = { destructive: true, idempotent: false };
const OVERWRITE: ToolEffect = { destructive: true, idempotent: true };

export const TOOL_EFFECTS: Readonly<Record<string, ToolEffect>> = {
  "project.init": ADDITIVE,
  "project.set_test_commands": OVERWRITE,
  "agent.register": OVERWRITE,
  "agent.set_availability": REPEATABLE,
  "role.delegate": ADDITIVE,
  "role.revoke": OVERWRITE,
  "task.create_codex_task": ADDITIVE,
  "task.plan": ADDITIVE,
  "task.recover_cancelled_packages": ADDITIVE,
  "task.request_final_review": ADDITIVE,
  "task.close": REPEATABLE,
  "task.force_transition": DESTRUCTIVE,
  "verification.register_plan": ADDITIVE,
  "grace.upsert_artifact": ADDITIVE,
  "handoff.report_worker_event": ADDITIVE,
  "handoff.escalate_to_user": ADDITIVE,
  "continuation.ack": REPEATABLE,
  "continuation.resolve": REPEATABLE,
  "continuation.requeue_dead_letter": ADDITIVE,
  "workpackage.create": ADDITIVE,
  "workpackage.assign": ADDITIVE,
  "workpackage.reassign": ADDITIVE,
  "workpackage.reassign_by_controller": ADDITIVE,
  "workpackage.claim": ADDITIVE,
  "workpackage.cancel": DESTRUCTIVE,
  "workpackage.force_reset": DESTRUCTIVE,
  "submission.create": ADDITIVE,
  "submission.controller_repair": ADDITIVE,
  "submission.controller_task_completion": ADDITIVE,
  "review.glm_submit": ADDITIVE,
  "review.codex_submit": ADDITIVE,
  "repo.run_tests": { ...ADDITIVE, openWorld: true },
  "mimo.launch_package": { ...ADDITIVE, openWorld: true },
  "mimo.poll_session": REPEATABLE,
  "mimo.cancel_session": DESTRUCTIVE,
  "mimo.recover_prepared_session": DESTRUCTIVE,
  "mimo.recover_orphaned_running_session": ADDITIVE,
  "mimo.record_tui_closed": ADDITIVE,
  "mimo.cleanup_worktrees": OVERWRITE,
};

/**
 * The annotations a tool is listed with: only the hints that differ from what the protocol assumes
 * when a hint is absent (readOnlyHint false, destructiveHint true, idempotentHint false,
 * openWorldHint true), so an omitted hint is the protocol's default and that default is true of
 * the tool. Destructive and idempotent hints mean nothing for a tool that only reads. A writing
 * tool without a row is listed with no hints at all: destructive, not idempotent, open-world, so
 * a missing row can only make a client more careful.
 */
export function annotationsOf(name: string, readOnly: boolean): ToolAnnotations {
  if (readOnly) return { readOnlyHint: true, openWorldHint: false };
  const effect = TOOL_EFFECTS[name] ?? { destructive: true, idempotent: false, openWorld: true };
  return {
    ...(effect.destructive ? {} : { destructiveHint: false }),
    ...(effect.idempotent ? { idempotentHint: true } : {}),
    ...(effect.openWorld === true ? {} : { openWorldHint: false }),
  };
}
