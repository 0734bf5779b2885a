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
      "Which GRACE contracts (docs/*.xml, code-adjacent markers) cover the affected files or globs: contracts read, M-* and V-M-* refs, rule refs, blocking issues. Codex without task_id; GLM with task_id.",
    roles: STAFF,
    readOnly: true,
    output: gateOutput,
    input: args({
      project_id: projectId,
      affected_files: patternList.describe("Repo-relative files or globs the work will touch"),
      task_id: taskId.optional().describe("GLM: the task; Codex omits it"),
    }),
    handler: (svc, a) => gateContractDiscovery(svc, a),
  }),
  defineTool({
    name: "gate.validate_execution_packet",
    title: "Validate an execution packet",
    description:
      "GLM: checks an execution packet (40 labelled fields, present and non-empty, scope inside the task, contract discovery report).",
    roles: STAFF,
    readOnly: true,
    output: gateOutput,
    input: args({
      task_id: taskId,
      packet: packetArg("packet", "The execution packet; every field is required and non-empty"),
    }),
    handler: (svc, a) => gateExecutionPacket(svc, a.task_id, a.packet),
  }),
  defineTool({
    name: "gate.validate_worker_report",
    title: "Validate a worker report",
    description:
      "Checks a worker report (17 labelled fields, task and package ids, files changed in scope and, when evidence_files is given, equal to them). The claiming worker or GLM.",
    roles: WORKER_CAPABLE,
    readOnly: true,
    output: gateOutput,
    input: args({
      work_package_id: packageId,
      worker_report: reportArg("worker_report", "The report; every field is required"),
      evidence_files: stringList.optional().describe("Files git says changed; files_changed must equal them"),
    }),
    handler: (svc, a) => gateWorkerReport(svc, a),
  }),
  defineTool({
    name: "gate.agent_infra_lint",
    title: "Agent-infra lint",
    description:
      "GLM: lints the project's agent layer (required files, @rule blocks, required text, packet and report labels, hidden comments).",
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
      "Codex: would final acceptance hold? Every live package GLM_ACCEPTED with a passing report (or an audited controller completion), plus the agent-infra lint when a policy file exists. Changes nothing.",
    roles: CODEX_ONLY,
    readOnly: true,
    output: gateOutput,
    input: args({ task_id: taskId }),
    handler: (svc, a) => gateAcceptanceReview(svc, a.task_id),
  }),
];
