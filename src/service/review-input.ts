import { OrchestratorError, oneOf } from "../domain/errors.js";

import { REVIEW_DECISIONS, type ReviewDecision } from "../domain/vocabulary.js";

export interface ReviewInput {
  decision: string;
  findings: unknown[];
  required_fixes: unknown[];
}

/**
 * `Unsupported <who> review decision: <d>`: an interface literal, keep it stable; then the record
 * reviewed ("work package 7", "task 5") and the allowed decisions.
 */
export function parseDecision(who: "GLM" | "Codex", decision: string, reviewed: string): ReviewDecision {
  if (!(REVIEW_DECISIONS as readonly string[]).includes(decision)) {
    throw new OrchestratorError(
      `Unsupported ${who} review decision: ${decision} on ${reviewed}; ${oneOf("decision", REVIEW_DECISIONS)}`,
    );
  }
  return decision as ReviewDecision;
}
