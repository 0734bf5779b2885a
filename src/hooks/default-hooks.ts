import type { HookContext } from "./events.js";
import { HookRegistry } from "./registry.js";

/** The default handlers: every event validates scope and is audited. */
export function installDefaultHooks(registry: HookRegistry): HookRegistry {
  const validateAndAudit = (ctx: HookContext): void => {
    ctx.validateScope();
    ctx.audit();
  };
  for (const event of [
    "on_task_created",
    "on_grace_artifact_upserted",
    "on_workpackage_created",
    "on_submission_created",
    "on_glm_accepted",
    "on_codex_rejected",
  ] as const) {
    registry.register(event, validateAndAudit);
  }
  // A GLM rejection is the only thing that opens the Pro repair path.
  registry.register("on_glm_rejected", (ctx) => {
    ctx.validateScope();
    ctx.enableWorkerPro();
    ctx.audit({ worker_pro_available: true });
  });
  // Codex acceptance closes the task in the same transaction as the review.
  registry.register("on_codex_accepted", (ctx) => {
    ctx.validateScope();
    ctx.audit();
    ctx.closeTask();
  });
  // Promotion to final review needs every canonical GRACE artifact (auto-imported when the repo has them).
  registry.register("gate.promote", (ctx) => {
    ctx.validateScope();
    const details: Record<string, unknown> = { ...ctx.payload };
    if (ctx.payload["to_status"] === "CODEX_FINAL_REVIEW")
      details["grace_artifacts"] = ctx.requireGraceArtifacts();
    ctx.audit(details);
  });
  return registry;
}

export function createDefaultHookRegistry(): HookRegistry {
  return installDefaultHooks(new HookRegistry());
}
