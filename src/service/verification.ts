import { OrchestratorError } from "../domain/errors.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
import {
  findVerificationPlan,
  insertVerificationPlan,
  latestVerificationPlanRevision,
} from "../ledger/tables/verification-plans.js";
import { loadProject, loadTask, requireRole } from "./access.js";
import { audit, nowIso, type ServiceContext } from "./context.js";
import { transitionTask } from "./transitions.js";

export interface VerificationPlanInput {
  task_id: number;
  test_strategy: string;
  test_commands: string[];
  risk_coverage?: string[] | undefined;
  acceptance_mapping?: Record<string, unknown> | undefined;
}

export function registerVerificationPlan(ctx: ServiceContext, input: VerificationPlanInput) {
  return inTransaction(ctx.db, () => {
    const task = loadTask(ctx, input.task_id);
    const role = requireRole(ctx, "glm", task.project_id, task.id);
    const project = loadProject(ctx, task.project_id);
    const allowed = parseJson<Record<string, string[]>>(project.allowed_test_commands_json, {});
    const unknown = [...new Set(input.test_commands.filter((k) => !(k in allowed)))].sort();
    if (unknown.length > 0) {
      throw new OrchestratorError(
        `Verification plan uses unregistered test commands: ${JSON.stringify(unknown)}`,
      );
    }
    if (task.status !== "GLM_GRACE_PLANNED") {
      throw new OrchestratorError(
        `Verification plan requires GLM_GRACE_PLANNED task status: task ${task.id} is ${task.status}`,
      );
    }
    const revision = latestVerificationPlanRevision(ctx.db, task.id);
    const id = insertVerificationPlan(ctx.db, {
      task_id: task.id,
      revision: revision + 1,
      test_strategy: input.test_strategy,
      test_commands_json: stableJson(input.test_commands),
      risk_coverage_json: stableJson(input.risk_coverage ?? []),
      acceptance_mapping_json: stableJson(input.acceptance_mapping ?? {}),
      created_by_agent: ctx.actor.name,
      created_at: nowIso(ctx),
    });
    audit(ctx, role, "verification.registered", "verification_plan", id, { revision: revision + 1 });
    transitionTask(ctx, task, "GLM_TESTS_PREPARED", role, "task.tests_prepared");
    return findVerificationPlan(ctx.db, id);
  });
}
