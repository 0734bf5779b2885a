import { z } from "zod";
import { closeTask, requestFinalReview, submitCodexReview } from "../service/final-review.js";
import { submitGlmReview } from "../service/reviews.js";
import { CODEX_ONLY, STAFF, defineTool } from "./registry.js";
import { REVIEW_DECISIONS } from "../domain/vocabulary.js";
import { args, boundedJson, id, jsonArg, oneOf, taskId } from "./schemas.js";

const notes = (field: string, description: string) =>
  boundedJson(field, z.array(z.union([z.string().max(4_000), jsonArg(`${field} item`)])).max(200)).describe(
    description,
  );
const verdict = {
  decision: oneOf(REVIEW_DECISIONS),
  findings: notes("findings", "Texts or objects; [] if none"),
  required_fixes: notes("required_fixes", "[] when accepted"),
};

export const reviewTools = [
  defineTool({
    name: "review.glm_submit",
    title: "GLM review of a submitted package",
    description:
      "GLM reviews a SUBMITTED package. A rejection sends it to the Pro for repair; the third non-acceptance needs a person (HUMAN_INTERVENTION_REQUIRED).",
    roles: STAFF,
    readOnly: false,
    input: args({
      target_id: id.describe("The package's id"),
      ...verdict,
    }),
    handler: (svc, a) => submitGlmReview(svc, a),
  }),
  defineTool({
    name: "task.request_final_review",
    title: "Request Codex final review",
    description:
      "Codex: moves a GLM_ACCEPTED task to CODEX_FINAL_REVIEW; needs the six GRACE artifacts (missing ones imported from docs/*.xml) and a passing lint.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => requestFinalReview(svc, a.task_id),
  }),
  defineTool({
    name: "review.codex_submit",
    title: "Codex final review",
    description: "Codex reviews a task in CODEX_FINAL_REVIEW; acceptance closes it.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      task_id: taskId,
      ...verdict,
    }),
    handler: (svc, a) => submitCodexReview(svc, a),
  }),
  defineTool({
    name: "task.close",
    title: "Close a Codex-accepted task",
    description: "Codex: closes a CODEX_ACCEPTED task (a closed one is returned as is).",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => closeTask(svc, a.task_id),
  }),
];
