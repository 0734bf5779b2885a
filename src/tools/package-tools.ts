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

const text = (description: string) => shortText.optional().describe(description);
const list = (description: string) => stringList.optional().describe(description);
const object = (field: string, description: string) => jsonArg(field).optional().describe(description);
const junior = agentName.describe("Registered worker_junior agent who implements it");

export const packageTools = [
  defineTool({
    name: "workpackage.create",
    title: "Create a scoped work package",
    description:
      "GLM: cuts a work package out of a task in GLM_TESTS_PREPARED, WORK_PACKAGES_CREATED or GLM_ACCEPTED. allowed_files must be a subset of the task scope. Runs contract discovery (or checks the one given) and validates the 40-field execution packet; test_surface, commands_allowed, rollback_boundary and stop_conditions must not be empty. base_commit is where the worker starts. Prerequisite: the project's repository has the six GRACE 3 artifacts (docs/requirements.xml, technology.xml, development-plan.xml, verification-plan.xml, knowledge-graph.xml, operational-packets.xml) with an M-* module and a V-M-* verification entry covering allowed_files, committed; otherwise this is refused with 'Required file is missing'. A person creates them for an existing repository with `grace-orchestrator-mcp scaffold <repo>`.",
    roles: STAFF,
    readOnly: false,
    input: args({
      task_id: taskId,
      title: name.describe("Short package title"),
      objective: requiredText.describe("What the worker must achieve"),
      allowed_files: patternList.describe("Globs the worker may change; inside the task's allowed_files"),
      forbidden_files: patternList.describe("Globs the worker must not change"),
      assigned_junior_agent: junior,
      assigned_pro_agent: agentName.describe("Registered worker_pro agent who repairs after a rejection"),
      base_commit: commit.describe("Commit the worker starts from"),
      contract_discovery: object("contract_discovery", "A gate.contract_discovery answer; run if omitted"),
      test_surface: list("Tests that cover the package (required)"),
      rollback_boundary: text("What to revert if it fails (required)"),
      compact_report_format: list("Worker-report fields the worker must fill"),
      module_id: text("M-* module id"),
      verification_id: text("V-M-* verification id"),
      commands_allowed: list("Commands the worker may run (required)"),
      session_routing: object("session_routing", "How the worker's sessions are routed"),
      cache_anchor: text("Cache anchor for the worker's context"),
      retry_budget: z.number().int().min(0).max(100).optional().describe("Repair rounds allowed"),
      stop_conditions: list("When the worker must stop and report (required)"),
      operation_id: text("Operation id"),
      authority_mode: text("Authority mode, e.g. codex_led"),
      operation_root: text("Operation root"),
      codex_required: z.boolean().nullable().optional().describe("Whether Codex must take part"),
      codex_instance_id: text("Codex instance id"),
      glm_instance_id: text("GLM instance id"),
      branch_worktree: text("Branch or worktree of the operation"),
      glm_scan_plan_report: object("glm_scan_plan_report", "GLM's scan/plan report"),
      operation_isolation: object("operation_isolation", "How the operation is isolated"),
      pro_api_assignment: text("Pro/API assignment"),
    }),
    handler: (svc, a) => createWorkPackage(svc, a),
    concerns: (a, result) => ({ taskId: a.task_id, packageId: createdId(result) }),
  }),
  defineTool({
    name: "workpackage.assign",
    title: "Assign a work package",
    description: "GLM: moves a CREATED package to ASSIGNED (its junior may then claim it).",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: packageId }),
    handler: (svc, a) => assignPackage(svc, a.work_package_id),
  }),
  defineTool({
    name: "workpackage.reassign",
    title: "Reassign a package's junior",
    description:
      "Replaces the assigned junior of a CREATED or unclaimed ASSIGNED package (GLM for glm_direct packages, Codex otherwise). A CREATED package becomes ASSIGNED.",
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
      "The assigned junior claims an ASSIGNED package; after a GLM rejection the assigned Pro claims the REPAIR_REQUIRED package (the junior only when no Pro can). Claim before committing and submitting.",
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
      "GLM: cancels a package that is not submitted, in review or accepted, with a reason. The task falls back to GLM_TESTS_PREPARED when nothing live remains, or to GLM_ACCEPTED when only accepted packages remain. Emits CONTROLLER_CANCELLED.",
    roles: STAFF,
    readOnly: false,
    input: args({ work_package_id: packageId, reason: why }),
    handler: (svc, a) => cancelPackage(svc, a.work_package_id, a.reason),
  }),
  defineTool({
    name: "task.recover_cancelled_packages",
    title: "Recover a task whose packages are all cancelled",
    description:
      "Codex: moves a package-phase task with only cancelled packages back to GLM_TESTS_PREPARED, with a reason.",
    roles: CODEX_ONLY,
    readOnly: false,
    input: args({ task_id: taskId, reason: why }),
    handler: (svc, a) => recoverCancelledPackages(svc, a.task_id, a.reason),
  }),
  defineTool({
    name: "workpackage.get_summary",
    title: "Work package summary",
    description:
      "Compact view of one package: status, assignment, claimer, Pro flag, the five newest sessions.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ work_package_id: packageId }),
    handler: (svc, a) => packageSummary(svc, a.work_package_id),
  }),
  defineTool({
    name: "task.get_summary",
    title: "Task summary",
    description: "Compact view of one task: status, package counts and ids by state, and who acts next.",
    roles: ALL_ROLES,
    readOnly: true,
    answerBytes: LOOP_ANSWER_MAX_BYTES,
    input: args({ task_id: taskId }),
    output: taskSummaryOutput,
    handler: (svc, a) => taskSummary(svc, a.task_id),
  }),
];
