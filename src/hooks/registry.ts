import { OrchestratorError } from "../domain/errors.js";
import { isHookEvent, type HookContext, type HookEvent, type HookHandler } from "./events.js";

/**
 * Trusted in-process event bus. Handlers are plain functions installed by
 * the server at start; there is no tool, script or client-supplied handler. Dispatch is
 * synchronous and must run inside the mutating transaction, so a throwing handler rolls
 * back the whole mutation.
 */
export class HookRegistry {
  private readonly handlers = new Map<HookEvent, HookHandler[]>();

  register(event: string, handler: HookHandler): () => void {
    if (!isHookEvent(event)) {
      throw new OrchestratorError(`Hook event '${event}' is not a documented HookEvent`);
    }
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
    return () => {
      const at = list.indexOf(handler);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Runs every handler of the event in registration order; the first error propagates. */
  dispatch(ctx: HookContext, inTransaction: boolean): void {
    if (!inTransaction) throw new Error(`Hook ${ctx.event} must be dispatched inside its transaction`);
    for (const handler of [...(this.handlers.get(ctx.event) ?? [])]) handler(ctx);
  }
}
