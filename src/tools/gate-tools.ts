import {
  gateAcceptanceReview,
  gateAgentInfraLint,
  gateContractDiscovery,
  gateExecutionPacket,
  gateWorkerReport,
} from "../service/gates.js";
import { CODEX_ONLY, STAFF, defineTool } from "./registry.js";
import { WORKER_CAPABLE } from "./package-tools.js";
import { gateOutput } from "./output-schemas.js";
import { packetArg, reportArg } from "./report-schemas.js";
import { args, packageId, patternList, projectId, stringList, taskId } from "./schemas.js";

/** Preflight gates: the exact validators the lifecycle runs, so a client can check before it acts. */
export const gateTools = [
  defineTool({
    name: "gate.contract_discovery",
    title: "Contract discovery",
    description:
      "Which GRACE contracts (docs/*.xml, code markers) cover the affected files: M-* and V-M-* refs, rules, blocking issues.",
    roles: STAFF,
    readOnly: true,
    output: gateOutput,
    input: args({
      project_id: projectId,
      affected_files: patternList.describe("Repo-relative files or globs"),
      task_id: taskId.optional().describe("GLM gives it; Codex omits it"),
    }),
    handler: (svc, a) => gateContractDiscovery(svc, a),
  }),
  defineTool({
    name: "gate.validate_execution_packet",
    title: "Validate an execution packet",
    description:
      "GLM: checks an execution packet before workpackage.create: every field present, scope inside the task.",
    roles: STAFF,
    readOnly: true,
    output: gateOutput,
    input: args({
      task_id: taskId,
      packet: packetArg("packet", "Every field required, non-empty"),
    }),
    handler: (svc, a) => gateExecutionPacket(svc, a.task_id, a.packet),
  }),
  defineTool({
    name: "gate.validate_worker_report",
    title: "Validate a worker report",
    description:
      "Checks a worker report as submission.create will: every field, the ids, files_changed in scope.",
    roles: WORKER_CAPABLE,
    readOnly: true,
    output: gateOutput,
    input: args({
      work_package_id: packageId,
      worker_report: reportArg("worker_report", "The fields of submission.create's worker_report", false),
      evidence_files: stringList.optional().describe("Files git says changed; files_changed must match"),
    }),
    handler: (svc, a) => gateWorkerReport(svc, a),
  }),
  defineTool({
    name: "gate.agent_infra_lint",
    title: "Agent-infra lint",
    description:
      "GLM: lints the project's agent layer (required files, @rule blocks, labels, hidden comments).",
    roles: STAFF,
    readOnly: true,
    output: gateOutput,
    input: args({ project_id: projectId }),
    handler: (svc, a) => gateAgentInfraLint(svc, a.project_id),
  }),
  defineTool({
    name: "gate.acceptance_review",
    title: "Acceptance review",
    description:
      "Codex: would final acceptance hold (every live package GLM_ACCEPTED with a passing report, lint passing)? Changes nothing.",
    roles: CODEX_ONLY,
    readOnly: true,
    output: gateOutput,
    input: args({ task_id: taskId }),
    handler: (svc, a) => gateAcceptanceReview(svc, a.task_id),
  }),
];
