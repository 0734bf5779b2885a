import { OrchestratorError } from "../domain/errors.js";
import { inTransaction } from "../ledger/database.js";
import { parseJson, stableJson } from "../ledger/json.js";
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
    const revision =
      (
        ctx.db
          .prepare("SELECT MAX(revision) AS r FROM verification_plans WHERE task_id = ?")
          .get(task.id) as {
          r: number | null;
        }
      ).r ?? 0;
    const id = Number(
      ctx.db
        .prepare(
          `INSERT INTO verification_plans (task_id, revision, test_strategy, test_commands_json, risk_coverage_json,
             acceptance_mapping_json, created_by_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          task.id,
          revision + 1,
          input.test_strategy,
          stableJson(input.test_commands),
          stableJson(input.risk_coverage ?? []),
          stableJson(input.acceptance_mapping ?? {}),
          ctx.actor.name,
          nowIso(ctx),
        ).lastInsertRowid,
    );
    audit(ctx, role, "verification.registered", "verification_plan", id, { revision: revision + 1 });
    transitionTask(ctx, task, "GLM_TESTS_PREPARED", role, "task.tests_prepared");
    return ctx.db.prepare("SELECT * FROM verification_plans WHERE id = ?").get(id) as Record<string, unknown>;
  });
}
