import { z } from "zod";
import { completeTaskByController } from "../service/controller-completion.js";
import { createControllerRepair, createSubmission } from "../service/submissions.js";
import { CODEX_ONLY, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { submissionOutput } from "./output-schemas.js";
import { reportArg } from "./report-schemas.js";
import { args, boundedJson, commit, jsonArg, longText, packageId, requiredText, taskId } from "./schemas.js";

const testsRun = boundedJson("tests_run", z.array(jsonArg("tests_run item")).max(200)).describe(
  "One object per run, e.g. {command_key, exit_code, test_run_id} from repo.run_tests",
);
const summary = requiredText.describe("What the change does");
const riskNotes = longText.describe("Known risks, or none");
const head = commit.describe("Commit holding the work");
/** The controller's report has the worker report's fields; shown typed once, on submission.create. */
const controllerReport = jsonArg("controller_report").describe(
  "The fields of submission.create's worker_report",
);

export const submissionTools = [
  defineTool({
    name: "submission.create",
    title: "Submit a claimed package",
    description:
      "The claiming worker submits head_commit (descending from the package's base). Files and diff come from git and must be in scope; worker_report must pass its gate. Emits WORKER_READY_FOR_REVIEW.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      summary,
      head_commit: head,
      tests_run: testsRun,
      risk_notes: riskNotes,
      worker_report: reportArg("worker_report", "Every field required"),
    }),
    output: submissionOutput,
    handler: (svc, a) => createSubmission(svc, a),
  }),
  defineTool({
    name: "submission.controller_repair",
    title: "Controller repair submission",
    description:
      "Codex repairs a REPAIR_REQUIRED package itself, submitting like a worker (diff from git, report gated). Emits CONTROLLER_REPAIR_SUBMITTED.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      work_package_id: packageId,
      summary,
      head_commit: head,
      tests_run: testsRun,
      risk_notes: riskNotes,
      controller_report: controllerReport,
    }),
    handler: (svc, a) => createControllerRepair(svc, a),
  }),
  defineTool({
    name: "submission.controller_task_completion",
    title: "Controller-owned task completion",
    description:
      "Codex completes a planned task that has no packages: diff from git base_commit..head_commit, in scope, report gated with package id 0. The task becomes GLM_ACCEPTED.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({
      task_id: taskId,
      summary,
      base_commit: commit,
      head_commit: head,
      tests_run: testsRun,
      risk_notes: riskNotes,
      controller_report: controllerReport,
    }),
    handler: (svc, a) => completeTaskByController(svc, a),
  }),
];
