import { z } from "zod";
import { createWorkPackage } from "../service/package-create.js";
import {
  assignPackage,
  cancelPackage,
  claimPackage,
  reassignPackage,
  recoverCancelledPackages,
} from "../service/packages.js";
import { packageSummary, taskSummary } from "../service/summaries.js";
import { LOOP_ANSWER_MAX_BYTES } from "../domain/limits.js";
import type { Role } from "../domain/roles.js";
import { packageOutput, taskSummaryOutput } from "./output-schemas.js";
import { ALL_ROLES, CODEX_ONLY, STAFF, createdId, defineTool } from "./registry.js";
import {
  agentName,
  args,
  commit,
  jsonArg,
  name,
  packageId,
  patternList,
  requiredText,
  shortText,
  stringList,
  taskId,
  why,
} from "./schemas.js";

/** Roles that can act as a worker: workers, and staff agents registered with a worker capability (shared Codex). */
export const WORKER_CAPABLE: readonly Role[] = ["codex", "glm", "test_owner", "worker_junior", "worker_pro"];

const text = shortText.optional();
const list = stringList.optional();
const object = (field: string) => jsonArg(field).optional();
const junior = agentName.describe("A worker_junior, from agent.register");

export const packageTools = [
  defineTool({
    name: "workpackage.create",
    title: "Create a scoped work package",
    description:
      "GLM: cuts a package out of a task (GLM_TESTS_PREPARED or later) and gates its execution packet. Needs the six GRACE docs committed, with an M-* and V-M-* entry covering allowed_files (a person runs `grace-orchestrator-mcp scaffold <repo>` to create them).",
    roles: STAFF,
    readOnly: false,
    input: args({
      task_id: taskId,
      title: name,
      objective: requiredText,
      allowed_files: patternList.describe("Globs inside the task's allowed_files"),
      forbidden_files: patternList,
      assigned_junior_agent: junior,
      assigned_pro_agent: agentName.describe("A worker_pro, repairs after a rejection"),
      base_commit: commit.describe("Where the worker starts"),
      contract_discovery: object("contract_discovery").describe(
        "A gate.contract_discovery answer; run if omitted",
      ),
      test_surface: list.describe("Required"),
      rollback_boundary: text.describe("Required"),
      compact_report_format: list.describe("Report fields the worker fills"),
      module_id: text.describe("M-*"),
      verification_id: text.describe("V-M-*"),
      commands_allowed: list.describe("Required"),
      session_routing: object("session_routing"),
      cache_anchor: text,
      retry_budget: z.number().int().min(0).max(100).optional().describe("Repair rounds allowed"),
      stop_conditions: list.describe("Required"),
      operation_id: text,
      authority_mode: text.describe("e.g. codex_led"),
      operation_root: text,
      codex_required: z.boolean().nullable().optional(),
      codex_instance_id: text,
      glm_instance_id: text,
      branch_worktree: text,
      glm_scan_plan_report: object("glm_scan_plan_report"),
      operation_isolation: object("operation_isolation"),
      pro_api_assignment: text,
    }),
    handler: (svc, a) => createWorkPackage(svc, a),
    concerns: (a, result) => ({ taskId: a.task_id, packageId: createdId(result) }),
  }),
  defineTool({
    name: "workpackage.assign",
    title: "Assign a work package",
    description: "GLM: moves a CREATED package to ASSIGNED; its junior may then claim it.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: packageId }),
    handler: (svc, a) => assignPackage(svc, a.work_package_id),
  }),
  defineTool({
    name: "workpackage.reassign",
    title: "Reassign a package's junior",
    description:
      "Gives a CREATED or unclaimed ASSIGNED package another junior (GLM for glm_direct packages, else Codex); it becomes ASSIGNED.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: packageId, assigned_junior_agent: junior, reason: why }),
    handler: (svc, a) => reassignPackage(svc, a, false),
  }),
  defineTool({
    name: "workpackage.reassign_by_controller",
    title: "Reassign a package's junior (controller)",
    description: "Codex: like workpackage.reassign, but refused for independent glm_direct packages.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ work_package_id: packageId, assigned_junior_agent: junior, reason: why }),
    handler: (svc, a) => reassignPackage(svc, a, true),
  }),
  defineTool({
    name: "workpackage.claim",
    title: "Claim a work package",
    description:
      "The assigned junior claims an ASSIGNED package, or the Pro a REPAIR_REQUIRED one. Claim before you commit and submit.",
    roles: WORKER_CAPABLE,
    readOnly: false,
    input: args({ work_package_id: packageId }),
    output: packageOutput,
    handler: (svc, a) => claimPackage(svc, a.work_package_id),
  }),
  defineTool({
    name: "workpackage.cancel",
    title: "Cancel a work package",
    description:
      "GLM: cancels a package not yet submitted; the task falls back to GLM_TESTS_PREPARED (or GLM_ACCEPTED if only accepted ones remain). Emits CONTROLLER_CANCELLED.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: packageId, reason: why }),
    handler: (svc, a) => cancelPackage(svc, a.work_package_id, a.reason),
  }),
  defineTool({
    name: "task.recover_cancelled_packages",
    title: "Recover a task whose packages are all cancelled",
    description: "Codex: moves a task whose packages are all cancelled back to GLM_TESTS_PREPARED.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId, reason: why }),
    handler: (svc, a) => recoverCancelledPackages(svc, a.task_id, a.reason),
  }),
  defineTool({
    name: "workpackage.get_summary",
    title: "Work package summary",
    description: "One package: status, assignment, claimer, Pro flag, newest sessions.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ work_package_id: packageId }),
    handler: (svc, a) => packageSummary(svc, a.work_package_id),
  }),
  defineTool({
    name: "task.get_summary",
    title: "Task summary",
    description: "One task: status, package counts and ids by state, who acts next.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ task_id: taskId }),
    output: taskSummaryOutput,
    handler: (svc, a, call) => taskSummary(svc, a.task_id, call.naming),
  }),
];
