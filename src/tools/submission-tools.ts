import { z } from "zod";
import { completeTaskByController } from "../service/controller-completion.js";
import { createControllerRepair, createSubmission } from "../service/submissions.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { args, boundedJson, id, jsonArg, longText, requiredText } from "./schemas.js";

const commit = z.string().trim().min(4).max(200);
const testsRun = boundedJson("tests_run", z.array(jsonArg("tests_run item")).max(200));

export const submissionTools = [
  defineTool({
    name: "submission.create",
    title: "Submit a claimed package",
    description:
      "The claiming worker submits: head_commit must descend from the package base commit. The server derives the changed files and diff from git (never send them); every changed file must be in scope, and worker_report (17 fields, files changed equal to the git evidence) must pass. Emits WORKER_READY_FOR_REVIEW and writes the report file.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({
      work_package_id: id,
      summary: requiredText,
      head_commit: commit,
      tests_run: testsRun,
      risk_notes: longText,
      worker_report: jsonArg("worker_report"),
    }),
    handler: (svc, a) => createSubmission(svc, a),
  }),
  defineTool({
    name: "submission.controller_repair",
    title: "Controller repair submission",
    description:
      "Codex repairs a REPAIR_REQUIRED package itself (task GLM_REJECTED_REPAIR_REQUIRED): evidence from git between the package base and head_commit, report validated like a worker report. Emits CONTROLLER_REPAIR_SUBMITTED.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      work_package_id: id,
      summary: requiredText,
      head_commit: commit,
      tests_run: testsRun,
      risk_notes: longText,
      controller_report: jsonArg("controller_report"),
    }),
    handler: (svc, a) => createControllerRepair(svc, a),
  }),
  defineTool({
    name: "submission.controller_task_completion",
    title: "Controller-owned task completion",
    description:
      "Codex completes a planned task that has no work packages at all: evidence from git between base_commit and head_commit, within the task scope; the report is validated with package id 0. The task becomes GLM_ACCEPTED.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      task_id: id,
      summary: requiredText,
      base_commit: commit,
      head_commit: commit,
      tests_run: testsRun,
      risk_notes: longText,
      controller_report: jsonArg("controller_report"),
    }),
    handler: (svc, a) => completeTaskByController(svc, a),
  }),
];
