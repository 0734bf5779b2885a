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
  decision: oneOf(REVIEW_DECISIONS).describe("Your decision"),
  findings: notes("findings", "What you found, one item each (text or object); [] if nothing"),
  required_fixes: notes("required_fixes", "What must change before acceptance; [] when accepted"),
};

export const reviewTools = [
  defineTool({
    name: "review.glm_submit",
    title: "GLM review of a submitted package",
    description:
      "GLM: decision accepted, rejected_repair_required or blocked for a SUBMITTED package (target_id). Acceptance needs a passing worker report. A rejection opens the Pro repair path; the third non-accepted review pauses the package in HUMAN_INTERVENTION_REQUIRED. Emits CONTROLLER_ACCEPTED or CONTROLLER_REWORK_REQUESTED.",
    roles: STAFF,
    readOnly: false,
    input: args({
      target_id: id.describe("The SUBMITTED work package's id"),
      ...verdict,
    }),
    handler: (svc, a) => submitGlmReview(svc, a),
  }),
  defineTool({
    name: "task.request_final_review",
    title: "Request Codex final review",
    description:
      "Codex: GLM_ACCEPTED → CODEX_FINAL_REVIEW. Requires all six canonical GRACE artifacts for the task; missing ones are imported from the repo's docs/*.xml. With a project policy file the agent-infra lint must pass.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => requestFinalReview(svc, a.task_id),
  }),
  defineTool({
    name: "review.codex_submit",
    title: "Codex final review",
    description:
      "Codex: decision accepted, rejected_repair_required or blocked for a task in CODEX_FINAL_REVIEW. Acceptance closes the task in the same transaction.",
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
    description: "Codex: CODEX_ACCEPTED → TASK_CLOSED. A closed task is returned unchanged.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId }),
    handler: (svc, a) => closeTask(svc, a.task_id),
  }),
];
