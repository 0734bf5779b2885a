/** The closed set of hook events. `gate.promote` is internal and never a tool. */
export const HOOK_EVENTS = [
  "on_task_created",
  "on_grace_artifact_upserted",
  "on_workpackage_created",
  "on_submission_created",
  "on_glm_rejected",
  "on_glm_accepted",
  "on_codex_rejected",
  "on_codex_accepted",
  "gate.promote",
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

export function isHookEvent(value: string): value is HookEvent {
  return (HOOK_EVENTS as readonly string[]).includes(value);
}

/** What a handler sees: the event, the ids it concerns, and service-owned callbacks. */
export interface HookContext {
  readonly event: HookEvent;
  readonly projectId: number;
  readonly taskId: number;
  readonly packageId: number | null;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Writes audit `hook.<event>` on the package if there is one, else on the task. */
  audit(details?: Record<string, unknown>): void;
  /** Task/package patterns project-relative, package within task, payload files and artifact path in scope. */
  validateScope(): void;
  /** Opens the Pro repair path: the only place `worker_pro_available` is set. */
  enableWorkerPro(): void;
  /** Requires the six canonical GRACE artifacts, auto-importing docs/*.xml; returns the result. */
  requireGraceArtifacts(): Record<string, unknown>;
  /** CODEX_ACCEPTED → TASK_CLOSED in the current transaction. */
  closeTask(): void;
}

export type HookHandler = (ctx: HookContext) => void;
