import { OrchestratorError } from "../domain/errors.js";

/** Interface literals: launch results quote these, so keep them stable. */
export const EMPTY_COMMAND = "Configured command is empty";
export const INVALID_TEMPLATE = "Invalid command template";

/** A command template that cannot become an argv; the message is safe to show to a user. */
export class CommandTemplateError extends OrchestratorError {
  override readonly name = "CommandTemplateError";
}

export function invalidTemplate(detail: string): CommandTemplateError {
  return new CommandTemplateError(`${INVALID_TEMPLATE}: ${detail}`);
}
